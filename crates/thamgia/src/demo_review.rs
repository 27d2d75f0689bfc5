//! The demo's drafted end-of-period review (tổng kết) of the province's
//! 2016–2020 plan: the narrative the coordinator has begun, so the review
//! page (`/reviews?unit=12&from=2016&to=2020`) and its .docx open with text
//! beside the figures, which the review computes from the years' reports.

use chrono::{DateTime, Utc};
use thamgia_domain::access::Actor;
use thamgia_store::Db;
use thamgia_store::review::{Narrative, save_narrative};

/// The province's code and the span of the drafted review.
pub const UNIT: &str = "12";
pub const SPAN: (i32, i32) = (2016, 2020);

const RESULTS: &str = "Sau 5 năm thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em \
giai đoạn 2016–2020, các cấp, các ngành đã tổ chức tham vấn ý kiến trẻ em về nhiều \
chương trình, chính sách; diễn đàn trẻ em được tổ chức hằng năm ở cấp tỉnh và cấp huyện; \
hội đồng trẻ em và câu lạc bộ quyền tham gia được duy trì ở các huyện, thành phố.\n\
Kiến nghị của trẻ em được chuyển đến các cơ quan liên quan và phần lớn đã được trả lời.";

const DIFFICULTIES: &str = "Địa bàn rộng, giao thông khó khăn; một số xã vùng sâu chưa tổ \
chức được sinh hoạt câu lạc bộ thường xuyên. Kinh phí chủ yếu từ ngân sách trung ương và \
nguồn vận động, chưa ổn định.";

const PROPOSALS: &str = "Đề nghị tiếp tục bố trí kinh phí cho giai đoạn 2021–2030; tăng \
cường tập huấn kỹ năng tham vấn trẻ em cho cán bộ cấp xã.";

/// Saves the draft narrative (once: a second call rewrites the same row).
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<()> {
    let Some(u) = thamgia_store::units::by_code(&db.conn, UNIT).await? else {
        return Ok(());
    };
    let words = Narrative {
        results: RESULTS.into(),
        difficulties: DIFFICULTIES.into(),
        proposals: PROPOSALS.into(),
    };
    save_narrative(
        &db.conn,
        &Actor::system("demo: Sở LĐTB&XH"),
        now,
        u.id,
        SPAN,
        &words,
    )
    .await?;
    Ok(())
}

//! Demo inspections and supervision: the province's 2019 plan — the
//! coordinating department inspects three districts and the Department of
//! Education, and the Fatherland Front supervises a fourth district — with
//! the visits' findings and recommendations, one recommendation followed up
//! to its close and one still open, so the plan, the inspected parties'
//! pages, the inbox and the minutes have something to show to the demo
//! coordinator. Runs through the actions, as the coordinator.

use chrono::{DateTime, Utc};
use thamgia_actions::Act;
use thamgia_actions::inspections::{
    CloseInput, FollowUpInput, PlanInput, RecommendInput, VisitInput, close, create, follow_up,
    recommend, visit,
};
use thamgia_store::{Db, users};

/// One planned inspection: kind, inspected unit or agency, inspecting
/// agency, team, subject, planned date, and (when visited) the visit's day,
/// findings and officials present.
struct Planned {
    kind: &'static str,
    unit: &'static str,
    agency: &'static str,
    by: &'static str,
    team: &'static str,
    subject: &'static str,
    on: &'static str,
    visit: Option<(&'static str, &'static str, &'static str)>,
}

const PLAN: &[Planned] = &[
    Planned {
        kind: "inspection",
        unit: "106",
        agency: "",
        by: "SLDTBXH",
        team: "Phòng Bảo vệ, chăm sóc trẻ em, Sở LĐTB&XH (3 cán bộ)",
        subject: "Thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em năm 2019",
        on: "2019-05-14",
        visit: Some((
            "2019-05-15",
            "Huyện đã tổ chức Diễn đàn trẻ em cấp huyện và duy trì 4 câu lạc bộ quyền tham gia. \
             Việc lấy ý kiến trẻ em về các quyết định của xã còn ít; báo cáo quý chưa đúng hạn.",
            "Ông Lò Văn Minh, Phòng LĐTB&XH huyện; bà Vàng Thị Mai, Phòng GD&ĐT huyện",
        )),
    },
    Planned {
        kind: "inspection",
        unit: "108",
        agency: "",
        by: "SLDTBXH",
        team: "Phòng Bảo vệ, chăm sóc trẻ em, Sở LĐTB&XH (2 cán bộ)",
        subject: "Hoạt động của Hội đồng trẻ em và việc trả lời kiến nghị của trẻ em",
        on: "2019-08-20",
        visit: Some((
            "2019-08-21",
            "Hội đồng trẻ em huyện họp đủ 2 phiên; 3 kiến nghị của trẻ em chưa được trả lời quá 30 ngày.",
            "Bà Giàng Thị Dợ, Phòng LĐTB&XH huyện",
        )),
    },
    Planned {
        kind: "inspection",
        unit: "107",
        agency: "",
        by: "SLDTBXH",
        team: "Sở LĐTB&XH phối hợp Sở GD&ĐT",
        subject: "Kinh phí thực hiện Kế hoạch năm 2019",
        on: "2019-11-12",
        visit: None,
    },
    Planned {
        kind: "inspection",
        unit: "",
        agency: "SGDDT",
        by: "SLDTBXH",
        team: "Sở LĐTB&XH (2 cán bộ)",
        subject: "Lồng ghép quyền tham gia của trẻ em trong trường học",
        on: "2019-10-08",
        visit: Some((
            "2019-10-08",
            "Sở đã hướng dẫn các trường thành lập câu lạc bộ quyền trẻ em; chưa có số liệu theo dõi theo giới tính.",
            "Ông Trần Văn Hùng, Phó Giám đốc Sở GD&ĐT",
        )),
    },
    Planned {
        kind: "supervision",
        unit: "105",
        agency: "",
        by: "MTTQ",
        team: "Ủy ban MTTQ tỉnh và Tỉnh đoàn Thanh niên",
        subject: "Việc lắng nghe ý kiến, nguyện vọng của trẻ em ở cơ sở",
        on: "2019-09-17",
        visit: Some((
            "2019-09-18",
            "Các xã được giám sát đã tổ chức đối thoại với trẻ em; nội dung trả lời trẻ em chưa được công khai tại nhà văn hóa bản.",
            "Bà Lò Thị Xuân, Ủy ban MTTQ tỉnh; ông Nguyễn Văn Nam, UBND huyện",
        )),
    },
];

/// Fills the demo coordinator's 2019 plan: how many inspections (0 when
/// there is no coordinator).
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let c = &db.conn;
    let Some(coordinator) = users::by_username(c, "coordinator").await? else {
        return Ok(0);
    };
    let p = users::principal(c, &coordinator).await?;
    let act = Act::new(c, &p, now);
    let fail = |what: &str, e: thamgia_actions::ActionError| anyhow::anyhow!("demo {what}: {e:?}");
    let mut made = Vec::new();
    for x in PLAN {
        let i = create(
            act,
            &PlanInput {
                kind: x.kind.into(),
                unit: x.unit.into(),
                agency: x.agency.into(),
                inspector_agency: x.by.into(),
                team: x.team.into(),
                subject: x.subject.into(),
                planned_on: x.on.into(),
            },
        )
        .await
        .map_err(|e| fail("inspection", e))?;
        if let Some((on, findings, participants)) = x.visit {
            let v = VisitInput {
                visited_on: on.into(),
                findings: findings.into(),
                participants: participants.into(),
            };
            visit(act, i.id, &v).await.map_err(|e| fail("visit", e))?;
        }
        made.push(i.id);
    }
    let rec = |text: &str, deadline: &str| RecommendInput {
        text: text.into(),
        deadline: deadline.into(),
    };
    // Tam Đường: one recommendation followed up and closed, one still open.
    let done = recommend(
        act,
        made[0],
        &rec("Nộp báo cáo quý đúng hạn cho Sở LĐTB&XH.", "2019-07-15"),
    )
    .await
    .map_err(|e| fail("recommendation", e))?;
    let note = |note: &str, on: &str, done: bool| FollowUpInput {
        note: note.into(),
        noted_on: on.into(),
        done,
    };
    follow_up(
        act,
        made[0],
        done.id,
        &note(
            "Huyện đã nộp báo cáo quý II ngày 05/07/2019.",
            "2019-07-05",
            true,
        ),
    )
    .await
    .map_err(|e| fail("follow-up", e))?;
    close(
        act,
        made[0],
        done.id,
        &CloseInput {
            note: "Đã nhận báo cáo đúng hạn.".into(),
            closed_on: "2019-07-10".into(),
        },
    )
    .await
    .map_err(|e| fail("close", e))?;
    let open = recommend(
        act,
        made[0],
        &rec(
            "Lấy ý kiến trẻ em trước khi UBND xã ban hành quyết định liên quan đến trẻ em.",
            "2019-12-31",
        ),
    )
    .await
    .map_err(|e| fail("recommendation", e))?;
    follow_up(
        act,
        made[0],
        open.id,
        &note(
            "Đã hướng dẫn 3 xã; các xã còn lại thực hiện trong quý IV.",
            "2019-10-02",
            false,
        ),
    )
    .await
    .map_err(|e| fail("follow-up", e))?;
    recommend(
        act,
        made[1],
        &rec("Trả lời 3 kiến nghị của trẻ em còn tồn đọng.", "2019-09-30"),
    )
    .await
    .map_err(|e| fail("recommendation", e))?;
    recommend(
        act,
        made[3],
        &rec(
            "Theo dõi số trẻ em tham gia câu lạc bộ theo giới tính.",
            "2019-12-15",
        ),
    )
    .await
    .map_err(|e| fail("recommendation", e))?;
    recommend(
        act,
        made[4],
        &rec(
            "Công khai nội dung trả lời trẻ em tại nhà văn hóa bản.",
            "2019-11-30",
        ),
    )
    .await
    .map_err(|e| fail("recommendation", e))?;
    Ok(made.len())
}

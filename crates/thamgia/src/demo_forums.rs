//! Demo records for Children's Forums and their recommendations, 2016–2020:
//! a province forum every year and district forums in most districts. Some
//! districts lag — Mường Tè (107) misses 2016 and 2018, Nậm Nhùn (112) misses
//! 2016 and 2017, and Sìn Hồ (108) has not recorded its 2019 forum yet (the
//! walk-through records it) — and some forums had fewer children than
//! Circular 29 asks, so the warnings have something to show. Each forum
//! carries 2–5 recommendations to district offices or provincial departments;
//! most are answered (accepted, partly, not accepted with a reason), some are
//! overdue. No child is named here (delegates come with the people records).
//! Deterministic for a given seed.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::{ForumLevel, Outcome, RecommendationSource, RecommendationStatus};
use thamgia_store::forums::ForumInput;
use thamgia_store::recommendations::{Answer, NewRecommendation};
use thamgia_store::{Db, agencies, forums, recommendations, units};

/// How many records were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct ForumsSummary {
    pub forums: usize,
    pub recommendations: usize,
    pub answered: usize,
}

/// District code, place name for venues, and the years it held no forum.
const DISTRICTS: &[(&str, &str, &[i32])] = &[
    ("105", "thành phố Lai Châu", &[]),
    ("106", "huyện Tam Đường", &[]),
    ("107", "huyện Mường Tè", &[2016, 2018]),
    ("108", "huyện Sìn Hồ", &[2019]),
    ("109", "huyện Phong Thổ", &[]),
    ("110", "huyện Than Uyên", &[]),
    ("111", "huyện Tân Uyên", &[]),
    ("112", "huyện Nậm Nhùn", &[2016, 2017]),
];

/// Forums that had fewer children than Circular 29 asks (district, year, children).
const SMALL: &[(&str, i32, u32)] = &[
    ("108", 2016, 38),
    ("107", 2017, 32),
    ("112", 2018, 36),
    ("109", 2020, 35),
    ("107", 2020, 30),
];

const THEMES: &[&str] = &[
    "Trẻ em với phòng, chống đuối nước",
    "Trẻ em được an toàn trên môi trường mạng",
    "Phòng, chống tảo hôn và hôn nhân cận huyết thống",
    "Trẻ em tham gia xây dựng trường học thân thiện",
    "Lắng nghe tiếng nói trẻ em vùng cao",
    "Trẻ em với phòng, chống xâm hại",
    "Quyền được vui chơi, giải trí của trẻ em",
];

/// Agency kinds a recommendation goes to: the district's office, or the
/// province's department when the forum is the province's.
#[derive(Clone, Copy)]
enum To {
    Education,
    Labour,
    Committee,
    Culture,
}

/// (topic, text, addressed to)
const RECOMMENDATIONS: &[(&str, &str, To)] = &[
    (
        "Nước sạch ở trường",
        "Chúng em đề nghị có nước sạch và nhà vệ sinh sạch, có khóa cửa ở các điểm trường bản.",
        To::Education,
    ),
    (
        "Học bơi",
        "Chúng em mong được học bơi vào mùa hè để không bị đuối nước khi ra suối.",
        To::Culture,
    ),
    (
        "Sân chơi",
        "Chúng em đề nghị làm sân chơi an toàn cho trẻ em ở trung tâm xã và các bản đông trẻ em.",
        To::Committee,
    ),
    (
        "Đường đến trường",
        "Đường đến trường mùa mưa rất trơn và hay sạt lở, chúng em đề nghị sửa chữa trước năm học mới.",
        To::Committee,
    ),
    (
        "Phòng, chống tảo hôn",
        "Chúng em đề nghị tuyên truyền nhiều hơn ở các bản, bằng tiếng dân tộc, về tác hại của tảo hôn.",
        To::Labour,
    ),
    (
        "Thư viện trường",
        "Chúng em mong thư viện trường có thêm truyện tranh, sách bằng tiếng dân tộc và mở cửa cả giờ nghỉ trưa.",
        To::Education,
    ),
    (
        "Bữa ăn bán trú",
        "Chúng em đề nghị cải thiện bữa ăn bán trú, có thêm rau xanh, thịt và canh.",
        To::Education,
    ),
    (
        "An toàn trên mạng",
        "Chúng em muốn được học cách dùng điện thoại và mạng xã hội an toàn, biết báo cho ai khi bị bắt nạt trên mạng.",
        To::Education,
    ),
    (
        "Lắng nghe ý kiến trẻ em",
        "Chúng em đề nghị chính quyền hỏi ý kiến trẻ em trước khi quyết định những việc liên quan đến trẻ em ở xã, bản.",
        To::Committee,
    ),
    (
        "Đèn đường",
        "Chúng em đề nghị lắp đèn chiếu sáng đoạn đường từ bản đến trường để đi học sớm và về muộn được an toàn.",
        To::Committee,
    ),
    (
        "Hỗ trợ trẻ em khó khăn",
        "Chúng em đề nghị hỗ trợ quần áo ấm, chăn và sách vở cho các bạn có hoàn cảnh khó khăn trước mùa đông.",
        To::Labour,
    ),
];

const ANSWERS_ACCEPTED: &[&str] = &[
    "Tiếp thu. Cơ quan đã đưa nội dung này vào kế hoạch năm sau và sẽ thực hiện trước năm học mới.",
    "Tiếp thu. Đã giao các xã và nhà trường thực hiện; kết quả sẽ được báo lại tại diễn đàn năm sau.",
    "Tiếp thu và đã thực hiện xong trong năm.",
];

const ANSWERS_PARTLY: &[(&str, &str)] = &[
    (
        "Tiếp thu một phần: năm nay thực hiện tại các điểm trường khó khăn nhất, các điểm còn lại làm năm sau.",
        "Kinh phí năm nay chỉ đủ cho một phần.",
    ),
    (
        "Tiếp thu một phần: tổ chức tuyên truyền tại trung tâm các xã; các bản xa sẽ làm dần.",
        "Chưa đủ người biết tiếng dân tộc để làm ở tất cả các bản.",
    ),
];

const ANSWERS_REFUSED: &[(&str, &str)] = &[
    (
        "Chưa thể thực hiện trong năm nay.",
        "Việc này thuộc thẩm quyền của tỉnh; huyện đã chuyển kiến nghị lên sở phụ trách.",
    ),
    (
        "Chưa thể thực hiện.",
        "Chưa bố trí được kinh phí; sẽ xem xét lại khi lập dự toán năm sau.",
    ),
];

const FEEDBACK: &[&str] = &[
    "Đã trả lời trực tiếp cho các em tại Diễn đàn trẻ em năm sau.",
    "Đã thông báo lại cho các em qua buổi sinh hoạt câu lạc bộ và loa truyền thanh xã.",
    "Đã gửi văn bản trả lời tới các trường để thầy cô đọc cho các em nghe.",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

fn agency_code(span: &Span<'_>, to: To, district: Option<&str>) -> String {
    match (to, district) {
        // A commune's People's Committee answers for everything local.
        (_, Some(d)) if span.level == ForumLevel::Commune => format!("UBND-{d}"),
        (To::Education, Some(d)) => format!("PGDDT-{d}"),
        (To::Labour, Some(d)) => format!("PLDTBXH-{d}"),
        (To::Committee | To::Culture, Some(d)) => format!("UBND-{d}"),
        (To::Education, None) => "SGDDT".into(),
        (To::Labour, None) => span.coordinator.into(),
        (To::Committee, None) => "UBND-12".into(),
        (To::Culture, None) => "SVHTTDL".into(),
    }
}

/// A plausible headcount for `children` children; `sloppy` breaks a staffing rule.
fn headcount(rng: &mut StdRng, children: u32, sloppy: bool) -> [i32; 9] {
    let girls = children / 2 + rng.random_range(0..=children / 10);
    let boys = children - girls;
    let younger = rng.random_range(children / 4..=children / 2);
    let older = children - younger;
    let minority = children * rng.random_range(70..=92) / 100;
    let disability = rng.random_range(0..=3).min(children);
    let adults = children.div_ceil(5) + rng.random_range(0..=2);
    let adults = if sloppy {
        adults.saturating_sub(3)
    } else {
        adults
    };
    let volunteers = rng.random_range(0..=children / 10);
    let guests = if sloppy {
        children / 3 + rng.random_range(2..=6)
    } else {
        rng.random_range(children / 6..=children / 3)
    };
    [
        girls, boys, younger, older, minority, disability, adults, volunteers, guests,
    ]
    .map(|n| i32::try_from(n).unwrap_or(0))
}

/// The province's groups with rough shares of its minority children (Mông,
/// Thái, Dao, Hà Nhì, Giáy, Khơ-mú, Lự, Cống, Mảng, Si La, La Hủ).
const MINORITY_MIX: [(&str, u32); 11] = [
    ("08", 40),
    ("03", 32),
    ("09", 13),
    ("35", 5),
    ("25", 3),
    ("29", 2),
    ("42", 1),
    ("48", 1),
    ("45", 1),
    ("50", 1),
    ("41", 1),
];

/// Splits a forum's children by ethnic group: `minority` of them over the
/// province's minority groups, the rest Kinh, now and then a few not known.
fn ethnic_split(rng: &mut StdRng, children: i32, minority: i32) -> Vec<(String, i32)> {
    let weight: u32 = MINORITY_MIX.iter().map(|(_, w)| w).sum();
    let mut counts = [0i32; MINORITY_MIX.len()];
    for _ in 0..minority {
        let mut r = rng.random_range(0..weight);
        for (i, (_, w)) in MINORITY_MIX.iter().enumerate() {
            if r < *w {
                counts[i] += 1;
                break;
            }
            r -= w;
        }
    }
    let unknown = if rng.random_bool(0.2) {
        rng.random_range(1..=3).min(children - minority)
    } else {
        0
    };
    let mut v: Vec<(String, i32)> = MINORITY_MIX
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((code, _), n)| ((*code).to_string(), n))
        .collect();
    let kinh = children - minority - unknown;
    if kinh > 0 {
        v.push((forums::KINH.to_string(), kinh));
    }
    v.sort();
    v
}

/// Which years and units a run of [`fill_span`] holds forums in.
pub struct Span<'a> {
    pub years: (i32, i32),
    /// Whether the province holds its forum in those years too.
    pub province: bool,
    /// Months in which forums start.
    pub months: (u32, u32),
    /// Unit code, place name for venues, and the years it held no forum.
    pub units: &'a [(&'a str, &'a str, &'a [i32])],
    /// The level of the units' forums.
    pub level: ForumLevel,
    /// The units' organising agency: this prefix and the unit's code.
    pub organiser: &'a str,
    /// The province's coordinating agency (organises its forum, receives
    /// what is for the labour department).
    pub coordinator: &'a str,
    /// Units that lag: fewer reports on time, fewer answers, last year's report missing.
    pub lagging: &'a [&'a str],
    /// Forums that had fewer children than Circular 29 asks (unit, year, children).
    pub small: &'a [(&'a str, i32, u32)],
}

/// 2016–2020, the province and the 8 districts.
pub const SPAN_2016_2020: Span<'static> = Span {
    years: (2016, 2020),
    province: true,
    months: (5, 7),
    units: DISTRICTS,
    level: ForumLevel::District,
    organiser: "PLDTBXH",
    coordinator: "SLDTBXH",
    lagging: &["107", "112"],
    small: SMALL,
};

/// Fills the demo's forums and recommendations. Call once, after [`crate::demo::fill`].
pub async fn fill(db: &Db, now: DateTime<Utc>, seed: u64) -> anyhow::Result<ForumsSummary> {
    fill_span(db, now, seed, &SPAN_2016_2020).await
}

/// Fills forums and recommendations for the units and years of a span.
pub async fn fill_span(
    db: &Db,
    now: DateTime<Utc>,
    seed: u64,
    span: &Span<'_>,
) -> anyhow::Result<ForumsSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let today = now.date_naive();
    let mut sum = ForumsSummary::default();
    for year in span.years.0..=span.years.1 {
        let mut held: Vec<(Option<&str>, &str)> = if span.province {
            vec![(None, "tỉnh Lai Châu")]
        } else {
            vec![]
        };
        for (d, place, missed) in span.units {
            if !missed.contains(&year) {
                held.push((Some(*d), *place));
            }
        }
        for (district, place) in held {
            let unit_code = district.unwrap_or("12");
            // A code names a unit only with a date (codes were reused in 2025).
            let u = units::resolve(c, &Scope::everything(), unit_code, Some(year), None)
                .await
                .with_context(|| format!("demo unit {unit_code} missing"))?
                .unit;
            let organiser = match district {
                Some(d) => format!("{}-{d}", span.organiser),
                None => span.coordinator.into(),
            };
            let a = agencies::by_code(c, &organiser)
                .await?
                .ok_or_else(|| anyhow!("demo agency {organiser} missing"))?;
            let small = span
                .small
                .iter()
                .find(|(d, y, _)| Some(*d) == district && *y == year)
                .map(|s| s.2);
            let children = match (district, small) {
                (_, Some(n)) => n,
                (None, _) => rng.random_range(60..=90),
                (Some(_), None) => rng.random_range(42..=70),
            };
            let sloppy = small.is_some() || rng.random_bool(0.15);
            let h = headcount(&mut rng, children, sloppy);
            let starts_on = NaiveDate::from_ymd_opt(
                year,
                rng.random_range(span.months.0..=span.months.1),
                rng.random_range(1..=27),
            )
            .context("demo date")?;
            let ends_on = starts_on + Duration::days(rng.random_range(0..=1));
            let theme = *pick(&mut rng, THEMES);
            let f = forums::create(
                c,
                &actor,
                at(ends_on, 10),
                ForumInput {
                    level: if district.is_some() {
                        span.level
                    } else {
                        ForumLevel::Province
                    },
                    unit_id: u.id,
                    year,
                    theme: theme.to_string(),
                    starts_on,
                    ends_on,
                    venue: format!("Hội trường Ủy ban nhân dân {place}"),
                    organiser_agency_id: a.id,
                    girls: h[0],
                    boys: h[1],
                    age_6_10: h[2],
                    age_11_15: h[3],
                    ethnic_groups: ethnic_split(&mut rng, h[0] + h[1], h[4]),
                    with_disability: h[5],
                    adults_in_charge: h[6],
                    volunteers: h[7],
                    guests: h[8],
                },
            )
            .await?;
            sum.forums += 1;
            // The results report: mostly on time, some late, the laggards' 2020 ones missing.
            let lagging = district.is_some_and(|d| span.lagging.contains(&d));
            let report = if year == span.years.1 && lagging {
                None
            } else if rng.random_bool(if lagging { 0.5 } else { 0.8 }) {
                Some(ends_on + Duration::days(rng.random_range(4..=14)))
            } else {
                Some(ends_on + Duration::days(rng.random_range(18..=45)))
            };
            if let Some(d) = report.filter(|d| *d <= today) {
                forums::record_report(c, &actor, at(d, 15), f.id, d).await?;
            }
            // Recommendations: 2–5, answered more often in earlier years and
            // in districts that do not lag.
            let n = rng.random_range(2..=5);
            let mut topics: Vec<usize> = (0..RECOMMENDATIONS.len()).collect();
            for _ in 0..n {
                let i = topics.remove(rng.random_range(0..topics.len()));
                let (topic, text, to) = RECOMMENDATIONS[i];
                let code = agency_code(span, to, district);
                let ag = agencies::by_code(c, &code)
                    .await?
                    .ok_or_else(|| anyhow!("demo agency {code} missing"))?;
                let received = at(ends_on, 16);
                let r = recommendations::create(
                    c,
                    &actor,
                    received,
                    NewRecommendation {
                        source: RecommendationSource::Forum,
                        source_id: f.id,
                        unit_id: u.id,
                        year,
                        text: text.to_string(),
                        topic: topic.to_string(),
                        agency_id: ag.id,
                        deadline: ends_on + Duration::days(rng.random_range(45..=90)),
                    },
                )
                .await?;
                sum.recommendations += 1;
                let p_answer =
                    0.95 - 0.07 * f64::from(year - span.years.0) - if lagging { 0.25 } else { 0.0 };
                if rng.random_bool(p_answer.clamp(0.05, 0.99)) {
                    let answered_on = ends_on + Duration::days(rng.random_range(10..=110));
                    let roll = rng.random_range(0..100);
                    let (outcome, answer, reason) = if roll < 58 {
                        (Outcome::Accepted, *pick(&mut rng, ANSWERS_ACCEPTED), None)
                    } else if roll < 86 {
                        let (a, why) = *pick(&mut rng, ANSWERS_PARTLY);
                        (Outcome::PartlyAccepted, a, Some(why))
                    } else {
                        let (a, why) = *pick(&mut rng, ANSWERS_REFUSED);
                        (Outcome::NotAccepted, a, Some(why))
                    };
                    let feedback = rng
                        .random_bool(0.8)
                        .then(|| pick(&mut rng, FEEDBACK).to_string());
                    if rng.random_bool(0.5) {
                        recommendations::set_status(
                            c,
                            &actor,
                            received + Duration::days(3),
                            r.id,
                            RecommendationStatus::Assigned,
                        )
                        .await?;
                    }
                    recommendations::answer(
                        c,
                        &actor,
                        at(answered_on, 9),
                        r.id,
                        Answer {
                            outcome,
                            answer: answer.to_string(),
                            reason: reason.map(str::to_string),
                            feedback,
                            answered_on,
                        },
                    )
                    .await?;
                    sum.answered += 1;
                } else {
                    // Still open: some assigned, some being worked on.
                    let steps: &[RecommendationStatus] = match rng.random_range(0..3) {
                        0 => &[],
                        1 => &[RecommendationStatus::Assigned],
                        _ => &[
                            RecommendationStatus::Assigned,
                            RecommendationStatus::InProgress,
                        ],
                    };
                    for (k, s) in steps.iter().enumerate() {
                        recommendations::set_status(
                            c,
                            &actor,
                            received + Duration::days(5 + 10 * i64::try_from(k).unwrap_or(0)),
                            r.id,
                            *s,
                        )
                        .await?;
                    }
                }
            }
        }
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headcounts_add_up() {
        let mut rng = StdRng::seed_from_u64(7);
        for children in [30, 35, 40, 64, 90] {
            for sloppy in [false, true] {
                let h = headcount(&mut rng, children, sloppy);
                let total = i32::try_from(children).unwrap_or(0);
                assert_eq!(h[0] + h[1], total);
                assert_eq!(h[2] + h[3], total);
                assert!(h[4] <= total && h[5] <= total);
                let groups = ethnic_split(&mut rng, total, h[4]);
                let minority: i32 = groups
                    .iter()
                    .filter(|(c, _)| c != forums::KINH)
                    .map(|(_, n)| n)
                    .sum();
                assert_eq!(minority, h[4]);
                assert!(groups.iter().map(|(_, n)| n).sum::<i32>() <= total);
            }
        }
    }
}

//! Demo records for Children's Councils and participation clubs, 2016–2020,
//! with the identified children who serve in them — each with a recorded
//! consent of a parent or guardian and their own.
//!
//! Councils are set up over the years: 3 districts in 2016, 5 by 2017, 6 of 8
//! by 2018, 7 by 2019 and all 8 by 2020. Most hold one or two dialogues with
//! the People's Council a year; Phong Thổ (109) held none in 2018 and Mường Tè
//! (107), set up in 2019, held its first only in 2020. Each district has 1–3
//! clubs at schools or in villages, some only from 2018 or 2019, one fading
//! out; active clubs meet several times a year. Sìn Hồ (108) has a working
//! council and an active club in 2019, so recording its 2019 forum makes it
//! run all three models. A few families withdrew their consent, so
//! pseudonyms show. Deterministic for a given seed.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::{
    ClubSetting, ConsentInput, CouncilRole, Outcome, RecommendationSource, check_consent,
};
use thamgia_store::clubs::{self, NewActivity, NewClub};
use thamgia_store::councils::{self, NewCouncil, NewDialogue, NewMember};
use thamgia_store::people::{self, NewPerson};
use thamgia_store::recommendations::{Answer, NewRecommendation};
use thamgia_store::{Db, agencies, recommendations, units};

/// How many records were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct CouncilsSummary {
    pub councils: usize,
    pub council_members: usize,
    pub dialogues: usize,
    pub clubs: usize,
    pub club_members: usize,
    pub activities: usize,
    pub people: usize,
    pub withdrawn: usize,
    pub recommendations: usize,
}

struct District {
    code: &'static str,
    /// As it reads inside a name: "huyện Tam Đường".
    place: &'static str,
    /// The council's founding day (month, day) and year.
    council: (i32, u32, u32),
    /// Years without any dialogue although the council existed.
    silent: &'static [i32],
    communes: &'static [&'static str],
    /// Ethnic groups of the district's children (code, weight).
    ethnic: &'static [(&'static str, u32)],
}

const DISTRICTS: &[District] = &[
    District {
        code: "105",
        place: "thành phố Lai Châu",
        council: (2016, 4, 12),
        silent: &[],
        communes: &[
            "Tân Phong",
            "Đông Phong",
            "Quyết Thắng",
            "Quyết Tiến",
            "Đoàn Kết",
            "San Thàng",
        ],
        ethnic: &[("01", 45), ("03", 25), ("25", 10), ("08", 10), ("09", 10)],
    },
    District {
        code: "106",
        place: "huyện Tam Đường",
        council: (2016, 5, 20),
        silent: &[],
        communes: &[
            "Bản Bo",
            "Bản Giang",
            "Bình Lư",
            "Sơn Bình",
            "Nà Tăm",
            "Khun Há",
            "Hồ Thầu",
            "Thèn Sin",
        ],
        ethnic: &[("25", 25), ("08", 25), ("09", 20), ("03", 15), ("01", 15)],
    },
    District {
        code: "110",
        place: "huyện Than Uyên",
        council: (2016, 6, 8),
        silent: &[],
        communes: &[
            "Mường Than",
            "Phúc Than",
            "Mường Kim",
            "Tà Hừa",
            "Khoen On",
            "Mường Cang",
        ],
        ethnic: &[("03", 55), ("01", 20), ("08", 15), ("29", 10)],
    },
    District {
        code: "109",
        place: "huyện Phong Thổ",
        council: (2017, 3, 15),
        silent: &[2018],
        communes: &[
            "Dào San",
            "Mường So",
            "Sin Suối Hồ",
            "Khổng Lào",
            "Bản Lang",
            "Mồ Sì San",
        ],
        ethnic: &[("09", 35), ("08", 25), ("25", 15), ("35", 10), ("03", 15)],
    },
    District {
        code: "111",
        place: "huyện Tân Uyên",
        council: (2017, 5, 4),
        silent: &[],
        communes: &[
            "Mường Khoa",
            "Phúc Khoa",
            "Trung Đồng",
            "Nậm Sỏ",
            "Pắc Ta",
            "Thân Thuộc",
        ],
        ethnic: &[("03", 45), ("01", 20), ("08", 20), ("29", 15)],
    },
    District {
        code: "108",
        place: "huyện Sìn Hồ",
        council: (2018, 4, 10),
        silent: &[],
        communes: &[
            "Pa Tần",
            "Phìn Hồ",
            "Nậm Tăm",
            "Chăn Nưa",
            "Tả Ngảo",
            "Nậm Cha",
            "Pu Sam Cáp",
        ],
        ethnic: &[("08", 45), ("09", 20), ("03", 20), ("35", 15)],
    },
    District {
        code: "107",
        place: "huyện Mường Tè",
        council: (2019, 3, 26),
        silent: &[2019],
        communes: &[
            "Ka Lăng",
            "Thu Lũm",
            "Pa Ủ",
            "Mù Cả",
            "Tà Tổng",
            "Bum Tở",
            "Kan Hồ",
        ],
        ethnic: &[("35", 35), ("41", 25), ("48", 10), ("50", 10), ("03", 20)],
    },
    District {
        code: "112",
        place: "huyện Nậm Nhùn",
        council: (2020, 4, 22),
        silent: &[],
        communes: &[
            "Mường Mô",
            "Lê Lợi",
            "Nậm Hàng",
            "Nậm Pì",
            "Pú Đao",
            "Trung Chải",
        ],
        ethnic: &[("08", 40), ("03", 25), ("48", 15), ("29", 20)],
    },
];

struct ClubPlan {
    district: &'static str,
    setting: ClubSetting,
    /// A unit code when the place is a unit of the demo.
    host: Option<&'static str>,
    name: &'static str,
    founded: (i32, u32, u32),
    /// Years without activity (the club existed).
    quiet: &'static [i32],
}

const CLUBS: &[ClubPlan] = &[
    ClubPlan {
        district: "105",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường THCS Tân Phong",
        founded: (2016, 9, 15),
        quiet: &[],
    },
    ClubPlan {
        district: "105",
        setting: ClubSetting::Community,
        host: None,
        name: "CLB Trẻ em tổ dân phố 5, phường Đông Phong",
        founded: (2018, 6, 1),
        quiet: &[],
    },
    ClubPlan {
        district: "106",
        setting: ClubSetting::School,
        host: Some(crate::demo::DEMO_SCHOOL),
        name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Bản Bo",
        founded: (2016, 9, 20),
        quiet: &[],
    },
    ClubPlan {
        district: "106",
        setting: ClubSetting::Community,
        host: None,
        name: "CLB Trẻ em bản Nà Luông, xã Bình Lư",
        founded: (2017, 7, 10),
        quiet: &[],
    },
    ClubPlan {
        district: "106",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Khun Há",
        founded: (2019, 10, 2),
        quiet: &[],
    },
    ClubPlan {
        district: "107",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Ka Lăng",
        founded: (2018, 10, 5),
        quiet: &[],
    },
    ClubPlan {
        district: "108",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Pa Tần",
        founded: (2017, 9, 25),
        quiet: &[],
    },
    ClubPlan {
        district: "108",
        setting: ClubSetting::Community,
        host: None,
        name: "CLB Trẻ em bản Phìn Hồ",
        founded: (2019, 3, 8),
        quiet: &[],
    },
    ClubPlan {
        district: "109",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Dào San",
        founded: (2016, 10, 10),
        quiet: &[],
    },
    ClubPlan {
        district: "109",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường THCS Mường So",
        founded: (2017, 9, 18),
        quiet: &[2020],
    },
    ClubPlan {
        district: "109",
        setting: ClubSetting::Community,
        host: None,
        name: "CLB Trẻ em bản Sin Suối Hồ",
        founded: (2018, 5, 19),
        quiet: &[],
    },
    ClubPlan {
        district: "110",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường THCS Mường Than",
        founded: (2016, 11, 3),
        quiet: &[],
    },
    ClubPlan {
        district: "110",
        setting: ClubSetting::Community,
        host: None,
        name: "CLB Trẻ em bản Mường Kim",
        founded: (2017, 8, 12),
        quiet: &[2019, 2020],
    },
    ClubPlan {
        district: "111",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường THCS Trung Đồng",
        founded: (2017, 10, 16),
        quiet: &[],
    },
    ClubPlan {
        district: "112",
        setting: ClubSetting::School,
        host: None,
        name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Nậm Hàng",
        founded: (2019, 9, 27),
        quiet: &[],
    },
];

/// Family names, girls' and boys' given names (with their middle part) by ethnic group.
fn names(
    ethnic: &str,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
) {
    match ethnic {
        "01" => (
            &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Bùi"],
            &[
                "Thị Hương",
                "Thị Lan",
                "Ngọc Anh",
                "Thu Thảo",
                "Thị Trang",
                "Thu Hà",
                "Khánh Linh",
            ],
            &[
                "Văn Nam",
                "Văn Hùng",
                "Minh Tuấn",
                "Đức Anh",
                "Văn Long",
                "Hoàng Phúc",
                "Quang Huy",
            ],
        ),
        "03" => (
            &[
                "Lò", "Tòng", "Lường", "Quàng", "Điêu", "Cầm", "Hoàng", "Lù", "Vì",
            ],
            &[
                "Thị Ánh",
                "Thị Hiền",
                "Thị Thu",
                "Thị Xuân",
                "Thị Ngọc",
                "Thị Mai",
                "Thị Phương",
            ],
            &[
                "Văn Chiến",
                "Văn Minh",
                "Văn Khánh",
                "Văn Thắng",
                "Văn Dũng",
                "Văn Hải",
                "Văn Tiến",
            ],
        ),
        "08" => (
            &[
                "Giàng", "Vàng", "Sùng", "Thào", "Lầu", "Mùa", "Hờ", "Lý", "Tráng",
            ],
            &[
                "Thị Mỷ",
                "Thị Dợ",
                "Thị Chở",
                "Thị Sua",
                "Thị Pà",
                "Thị Máy",
                "Thị Dua",
                "Thị Say",
            ],
            &[
                "A Páo",
                "A Sính",
                "A Chứ",
                "A Dế",
                "Văn Pó",
                "A Lử",
                "A Tủa",
                "Văn Cở",
                "A Vừ",
            ],
        ),
        "09" => (
            &["Tẩn", "Chảo", "Phàn", "Lý", "Đặng", "Triệu", "Sần"],
            &[
                "Thị Mẩy",
                "Thị Xoang",
                "Mý Chiêm",
                "Thị Chạn",
                "Thị Lở",
                "Thị Phây",
            ],
            &[
                "Láo San",
                "Văn Vần",
                "Láo Lở",
                "Văn Chàn",
                "A Sếnh",
                "Văn Kiều",
                "Văn Quẩy",
            ],
        ),
        "25" => (
            &["Hoàng", "Lù", "Vàng", "Sần", "Lò", "Giàng"],
            &["Thị Hoa", "Thị Xuân", "Thị Lan", "Thị Nhung", "Thị Hằng"],
            &["Văn Sinh", "Văn Thắng", "Văn Hưng", "Văn Toán", "Văn Nghĩa"],
        ),
        "35" => (
            &["Chu", "Lỳ", "Pờ", "Phu", "Lò", "Vù", "Sừ"],
            &["Thị Mé", "Thị Dí", "Thị Xé", "Thị Chừ", "Thị Pha", "Thị Mơ"],
            &["Xé Chừ", "Lò Xá", "A Phò", "Gạ Lù", "Hù Xá", "Cà Dế"],
        ),
        "41" => (
            &["Lý", "Vàng", "Lò", "Pờ", "Chá"],
            &["Thị Ca", "Thị Na", "Thị Xe", "Thị Mo"],
            &["Gạ Xá", "Xà Lù", "Văn Pô", "A Phứ"],
        ),
        "48" => (
            &["Chang", "Lò", "Pạc", "Hoàng"],
            &["Thị Liễu", "Thị Chơ", "Thị Lả", "Thị Xuyến"],
            &["Văn Ún", "Văn Pằn", "Văn Khăm", "Văn Bun"],
        ),
        "50" => (
            &["Pờ", "Hù", "Lỳ"],
            &["Thị Phà", "Thị Xá", "Thị Mé"],
            &["Xá Phù", "Gạ Chừ", "Văn Hù"],
        ),
        _ => (
            &["Lò", "Vì", "Lường", "Cà"],
            &["Thị Ón", "Thị Bun", "Thị Khăm", "Thị Xiêng"],
            &["Văn Ón", "Văn Khăm", "Văn Bun", "Văn Chăn"],
        ),
    }
}

const RELATIONS: &[(&str, u32)] = &[
    ("mẹ", 45),
    ("bố", 35),
    ("ông", 7),
    ("bà", 8),
    ("người giám hộ", 5),
];

const ISSUES: &[&str] = &[
    "đường đến trường ở các bản xa trơn trượt, nguy hiểm vào mùa mưa",
    "nhiều điểm trường chưa có nước sạch và nhà vệ sinh có khóa cửa",
    "bữa ăn bán trú còn ít rau và thịt",
    "trẻ em chưa được học bơi, nhiều em tắm suối một mình",
    "một số bạn phải nghỉ học sớm để lấy vợ, lấy chồng",
    "thiếu sân chơi an toàn và sách đọc ở bản",
    "trẻ em muốn được hỏi ý kiến khi xã làm đường, làm nhà văn hóa",
    "ký túc xá bán trú chật, thiếu chăn ấm mùa đông",
    "các em dùng điện thoại, mạng xã hội mà chưa biết giữ an toàn",
    "chưa có tủ thuốc và cán bộ y tế ở trường",
];

const ADULT_ROLES: &[&str] = &[
    "Phó Chủ tịch HĐND",
    "Trưởng Ban Văn hóa - Xã hội HĐND",
    "Phó Trưởng Ban Văn hóa - Xã hội HĐND",
    "Đại biểu HĐND",
];

const ADULTS: &[&str] = &[
    "Ông Lò Văn Hưng",
    "Bà Giàng Thị Dợ",
    "Ông Tẩn Văn Sơn",
    "Bà Hoàng Thị Thu",
    "Ông Lường Văn Thắng",
    "Bà Vàng Thị Mai",
    "Ông Nguyễn Văn Bình",
    "Bà Chu Thị Xuân",
];

/// (topic, text, addressed to: "PGDDT" | "PLDTBXH" | "UBND")
const DIALOGUE_RECS: &[(&str, &str, &str)] = &[
    (
        "Giao thông",
        "Sửa đoạn đường từ các bản đến trường trước mùa mưa để chúng em đi học an toàn.",
        "UBND",
    ),
    (
        "Nước sạch ở trường",
        "Lắp đặt nước sạch và làm nhà vệ sinh có khóa cửa ở các điểm trường bản.",
        "PGDDT",
    ),
    (
        "Bán trú",
        "Cải thiện bữa ăn bán trú, có thêm rau xanh và thịt.",
        "PGDDT",
    ),
    (
        "Học bơi",
        "Mở lớp dạy bơi miễn phí cho trẻ em vào dịp hè.",
        "PLDTBXH",
    ),
    (
        "Tảo hôn",
        "Tuyên truyền ở các bản để không còn bạn nào phải lấy vợ, lấy chồng khi còn nhỏ.",
        "PLDTBXH",
    ),
    (
        "Vui chơi",
        "Làm sân chơi và tủ sách cho trẻ em ở nhà văn hóa bản.",
        "UBND",
    ),
    (
        "Bán trú",
        "Bổ sung chăn ấm và giường cho ký túc xá bán trú trước mùa đông.",
        "PGDDT",
    ),
];

const CLUB_RECS: &[(&str, &str, &str)] = &[
    (
        "An toàn trên mạng",
        "Tổ chức buổi hướng dẫn cho học sinh cách giữ an toàn khi dùng mạng xã hội.",
        "PGDDT",
    ),
    (
        "Y tế trường học",
        "Có tủ thuốc và cán bộ y tế ở trường bán trú.",
        "PGDDT",
    ),
    (
        "Vui chơi",
        "Cho câu lạc bộ mượn nhà văn hóa bản để sinh hoạt vào cuối tuần.",
        "UBND",
    ),
    (
        "Bảo vệ trẻ em",
        "Có số điện thoại để trẻ em báo khi bị bắt nạt hoặc xâm hại.",
        "PLDTBXH",
    ),
];

const ANSWERS: &[(&str, Outcome, Option<&str>)] = &[
    (
        "Đã đưa vào kế hoạch năm và thực hiện xong.",
        Outcome::Accepted,
        None,
    ),
    (
        "Đồng ý; đã giao các trường thực hiện từ học kỳ này.",
        Outcome::Accepted,
        None,
    ),
    (
        "Đã thực hiện ở một số nơi; các nơi còn lại làm dần theo kinh phí.",
        Outcome::PartlyAccepted,
        Some("Kinh phí năm nay chưa đủ cho tất cả các bản."),
    ),
    (
        "Chưa thực hiện được trong năm nay.",
        Outcome::NotAccepted,
        Some("Chưa bố trí được nguồn vốn; sẽ đề xuất vào kế hoạch năm sau."),
    ),
];

const FEEDBACK: &[&str] = &[
    "Đã thông báo cho các em tại buổi sinh hoạt Hội đồng trẻ em.",
    "Đã trả lời các em bằng văn bản, dán ở bảng tin nhà trường.",
    "Đại diện cơ quan đã gặp và trả lời trực tiếp các em.",
];

const TOPICS: &[&str] = &[
    "Quyền được tham gia của trẻ em",
    "Kỹ năng phòng, chống đuối nước",
    "Phòng, chống xâm hại trẻ em",
    "An toàn trên môi trường mạng",
    "Nói không với tảo hôn",
    "Vệ sinh cá nhân và nước sạch",
    "Tập nói trước đông người",
    "Chuẩn bị ý kiến cho Diễn đàn trẻ em",
    "Trò chơi dân gian và văn nghệ",
    "Giữ gìn bản sắc dân tộc",
    "Lắng nghe ý kiến về nội quy trường",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut n = rng.random_range(0..total.max(1));
    for (v, w) in items {
        if n < *w {
            return v;
        }
        n -= w;
    }
    items.first().map_or("03", |i| i.0)
}

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("demo date")
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

/// "đường …" → "Đường …".
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A day between two days (inclusive).
fn between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=span))
}

/// The span of each year in which a body meets: from `settle` days after it
/// was set up (`since`), between two days of the year (month, day), until
/// `last`, except the `skip` years; years with no such day are left out.
fn yearly(
    (since, settle): (NaiveDate, i64),
    ((m1, d1), (m2, d2)): ((u32, u32), (u32, u32)),
    last: NaiveDate,
    skip: &[i32],
) -> anyhow::Result<Vec<(NaiveDate, NaiveDate)>> {
    let mut out = vec![];
    for year in since.year()..=last.year() {
        if skip.contains(&year) {
            continue;
        }
        let first = (since + Duration::days(settle)).max(date(year, m1, d1)?);
        let end = date(year, m2, d2)?.min(last);
        if first <= end {
            out.push((first, end));
        }
    }
    Ok(out)
}

struct Child {
    name: String,
    girl: bool,
    ethnic: String,
    birth: NaiveDate,
    school: String,
}

/// A child of the district; `school` is where they study or live ("Trường
/// PTDTBT THCS" + a commune of the district when `None`).
fn child(rng: &mut StdRng, d: &District, age: i32, on: NaiveDate, school: Option<&str>) -> Child {
    let ethnic = weighted(rng, d.ethnic).to_string();
    let girl = rng.random_bool(0.52);
    let (families, girls, boys) = names(&ethnic);
    let given = if girl {
        pick(rng, girls)
    } else {
        pick(rng, boys)
    };
    let name = format!("{} {given}", pick(rng, families));
    let birth = on - Duration::days(i64::from(age) * 365 + rng.random_range(30..330));
    let commune = pick(rng, d.communes);
    Child {
        name,
        girl,
        ethnic,
        birth,
        school: school.map_or_else(|| format!("Trường PTDTBT THCS {commune}"), str::to_string),
    }
}

/// Stores a child with a consent given a few days before `on`, for `purpose`.
async fn store_child(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    k: &Child,
    unit_id: i32,
    on: NaiveDate,
    purpose: String,
) -> anyhow::Result<i32> {
    let guardian_date = on - Duration::days(rng.random_range(3..25));
    let (families, _, boys) = names(&k.ethnic);
    let relation = weighted(rng, RELATIONS);
    let guardian = match relation {
        "mẹ" | "bà" => format!(
            "{} Thị {}",
            pick(rng, families),
            pick(rng, &["Hoa", "Mai", "Xuân", "Dung", "Pà", "Mẩy"])
        ),
        _ => format!("{} {}", pick(rng, families), pick(rng, boys)),
    };
    let method = match rng.random_range(0..10) {
        0..=6 => "written",
        7..=8 => "verbal",
        _ => "electronic",
    };
    let input = ConsentInput {
        guardian_name: guardian,
        guardian_relation: relation.to_string(),
        guardian_method: method.to_string(),
        guardian_date: Some(guardian_date),
        child_agreed: true,
        child_date: Some(guardian_date + Duration::days(rng.random_range(0..3))),
        purpose,
    };
    // The same rule as the form, on the day the consent was recorded.
    let recorded = guardian_date + Duration::days(3);
    check_consent(&input, k.birth, recorded)
        .map_err(|e| anyhow!("demo consent does not check: {e:?}"))?;
    let p = people::create_with_consent(
        &db.conn,
        actor,
        at(recorded, 10),
        NewPerson {
            full_name: k.name.clone(),
            birth_date: k.birth,
            sex: Some(if k.girl { "girl" } else { "boy" }.to_string()),
            ethnic: Some(k.ethnic.clone()),
            disability: Some(rng.random_bool(0.03)),
            unit_id,
            school_or_commune: Some(k.school.clone()),
            guardian_contact: rng.random_bool(0.6).then(|| {
                format!(
                    "09{:02} {:03} {:03}",
                    rng.random_range(10..99),
                    rng.random_range(0..1000),
                    rng.random_range(0..1000)
                )
            }),
        },
        &input,
    )
    .await?;
    Ok(p.id)
}

/// Records a recommendation and, most of the time, its answer.
#[allow(clippy::too_many_arguments)]
async fn recommend(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    source: RecommendationSource,
    source_id: i32,
    unit_id: i32,
    district: &str,
    on: NaiveDate,
    today: NaiveDate,
    (rec, to): (&(&str, &str, &str), Option<&str>),
) -> anyhow::Result<()> {
    // `to`, when given, addresses every recommendation to one agency prefix.
    let (topic, text, default_to) = *rec;
    let to = to.unwrap_or(default_to);
    let code = format!("{to}-{district}");
    let a = agencies::by_code(&db.conn, &code)
        .await?
        .ok_or_else(|| anyhow!("demo agency {code} missing"))?;
    let r = recommendations::create(
        &db.conn,
        actor,
        at(on, 17),
        NewRecommendation {
            source,
            source_id,
            unit_id,
            year: on.year(),
            text: text.to_string(),
            topic: topic.to_string(),
            agency_id: a.id,
            deadline: on + Duration::days(rng.random_range(45..=90)),
        },
    )
    .await?;
    let lagging = matches!(district, "107" | "112");
    let p = 0.9 - 0.08 * f64::from(on.year() - 2016) - if lagging { 0.3 } else { 0.0 };
    let answered_on = on + Duration::days(rng.random_range(15..=100));
    if rng.random_bool(p.clamp(0.1, 0.95)) && answered_on <= today {
        let (answer, outcome, reason) = *pick(rng, ANSWERS);
        recommendations::answer(
            &db.conn,
            actor,
            at(answered_on, 9),
            r.id,
            Answer {
                outcome,
                answer: answer.to_string(),
                reason: reason.map(str::to_string),
                feedback: rng
                    .random_bool(0.8)
                    .then(|| pick(rng, FEEDBACK).to_string()),
                answered_on,
            },
        )
        .await?;
    }
    Ok(())
}

/// A club's activities in one year, held between `first` and `end`, 3–7 of
/// them, at most one with a recommendation (to `to`'s agency of the club's
/// unit when given).
#[allow(clippy::too_many_arguments)]
async fn club_activities(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    club_id: i32,
    (plan, u): (&ClubPlan, &thamgia_store::entity::unit::Model),
    (first, end, today): (NaiveDate, NaiveDate, NaiveDate),
    to: Option<&str>,
    sum: &mut CouncilsSummary,
) -> anyhow::Result<()> {
    let c = &db.conn;
    let n = rng.random_range(3..=7);
    let mut days: Vec<NaiveDate> = (0..n).map(|_| between(rng, first, end)).collect();
    days.sort();
    days.dedup();
    let mut recommended = false;
    for held in days {
        let a = clubs::add_activity(
            c,
            actor,
            at(held, 15),
            club_id,
            NewActivity {
                held_on: held,
                topic: pick(rng, TOPICS).to_string(),
                girls: rng.random_range(5..=18),
                boys: rng.random_range(4..=16),
            },
        )
        .await?;
        sum.activities += 1;
        if !recommended && rng.random_bool(0.15) {
            recommended = true;
            let rec = pick(rng, CLUB_RECS);
            recommend(
                db,
                actor,
                rng,
                RecommendationSource::Club,
                club_id,
                u.id,
                plan.district,
                a.held_on,
                today,
                (rec, to),
            )
            .await?;
            sum.recommendations += 1;
        }
    }
    Ok(())
}

/// A council's dialogues in one year, one or two between `first` and `end`,
/// with 0–2 recommendations each (to `to`'s agency of the council's unit when
/// given, as in a commune; else to the district's offices).
#[allow(clippy::too_many_arguments)]
async fn council_dialogues(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    council_id: i32,
    (place, code, u): (&str, &str, &thamgia_store::entity::unit::Model),
    (first, end, today): (NaiveDate, NaiveDate, NaiveDate),
    to: Option<&str>,
    sum: &mut CouncilsSummary,
) -> anyhow::Result<()> {
    let c = &db.conn;
    let n = if rng.random_bool(0.45) { 2 } else { 1 };
    let mut days: Vec<NaiveDate> = (0..n).map(|_| between(rng, first, end)).collect();
    days.sort();
    days.dedup();
    for held in days {
        let others = if to.is_some() {
            "đại diện Ủy ban nhân dân, Đoàn Thanh niên và các trường học"
        } else {
            "đại diện Phòng Giáo dục và Đào tạo, Phòng Lao động - Thương binh và Xã hội"
        };
        let attendees = format!(
            "{}, {} {place}; {}, {} {place}; {others}",
            pick(rng, ADULTS),
            ADULT_ROLES[0],
            pick(rng, ADULTS),
            pick(rng, &ADULT_ROLES[1..]),
        );
        let mut issues: Vec<&str> = vec![];
        for _ in 0..rng.random_range(2..=3) {
            let i = *pick(rng, ISSUES);
            if !issues.contains(&i) {
                issues.push(i);
            }
        }
        let text = upper_first(&issues.join("; "));
        let dlg = councils::add_dialogue(
            c,
            actor,
            at(held, 14),
            council_id,
            NewDialogue {
                held_on: held,
                attendees,
                issues: format!("{text}."),
                children_present: rng.random_range(8..=25),
            },
        )
        .await?;
        sum.dialogues += 1;
        for _ in 0..rng.random_range(0..=2) {
            let rec = pick(rng, DIALOGUE_RECS);
            recommend(
                db,
                actor,
                rng,
                RecommendationSource::CouncilDialogue,
                dlg.id,
                u.id,
                code,
                held,
                today,
                (rec, to),
            )
            .await?;
            sum.recommendations += 1;
        }
    }
    Ok(())
}

impl ClubPlan {
    /// Where its members study or live: the club's name without "CLB …".
    fn place(&self) -> &'static str {
        self.name
            .strip_prefix("CLB Quyền tham gia của trẻ em ")
            .or_else(|| self.name.strip_prefix("CLB Trẻ em "))
            .unwrap_or(self.name)
    }
}

/// A child of `age` from `d` joins a club on `joined` (a leader or not): a
/// person of `person_unit` with a recorded consent for `purpose`, then a
/// member. Returns (member, person, birth date).
#[allow(clippy::too_many_arguments)]
async fn join_club(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    club_id: i32,
    (d, place, person_unit): (&District, &str, i32),
    (joined, age, leader): (NaiveDate, i32, bool),
    purpose: &str,
    sum: &mut CouncilsSummary,
) -> anyhow::Result<(i32, i32, NaiveDate)> {
    let kid = child(rng, d, age, joined, Some(place));
    let pid = store_child(db, actor, rng, &kid, person_unit, joined, purpose.into()).await?;
    sum.people += 1;
    let mem = clubs::add_member(
        &db.conn,
        actor,
        at(joined, 11),
        club_id,
        clubs::NewMember {
            person_id: pid,
            is_leader: leader,
            joined_on: joined,
        },
    )
    .await?;
    sum.club_members += 1;
    Ok((mem.id, pid, kid.birth))
}

/// One club: what a [`ClubPlan`] is run for.
struct Club<'a> {
    plan: &'a ClubPlan,
    /// Where its children come from (names, ethnic groups).
    d: &'a District,
    /// The unit that runs it.
    u: &'a thamgia_store::entity::unit::Model,
}

/// Creates a club, its members (a founding group, then newcomers each
/// September, the oldest leaving after lower secondary school) and its
/// activities until `last`; `to` sends its recommendations to one agency
/// prefix (a commune's People's Committee) instead of the district office.
#[allow(clippy::too_many_arguments)]
async fn run_club(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    club: Club<'_>,
    (last, today): (NaiveDate, NaiveDate),
    to: Option<&str>,
    sum: &mut CouncilsSummary,
    withdraw: &mut Vec<(i32, NaiveDate)>,
) -> anyhow::Result<()> {
    let c = &db.conn;
    let Club { plan, d, u } = club;
    let host = host_of(c, plan).await?;
    let (y, m, day) = plan.founded;
    let founded = date(y, m, day)?;
    if founded > last {
        return Ok(());
    }
    let k = clubs::create(
        c,
        actor,
        at(founded, 9),
        NewClub {
            unit_id: u.id,
            setting: plan.setting,
            host_unit_id: host.as_ref().map(|h| h.id),
            name: plan.name.to_string(),
            founded_on: founded,
        },
    )
    .await?;
    sum.clubs += 1;
    let purpose = format!("Thành viên {}", plan.name);
    let person_unit = host.as_ref().map_or(u.id, |h| h.id);
    // Members study at the club's school, or live in its village.
    let place = plan.place();
    // The founding group, then a few newcomers each September; the
    // oldest leave when they finish lower secondary school.
    let mut open: Vec<(i32, i32, NaiveDate)> = vec![]; // (member id, person, birth)
    let mut intake = vec![(founded, rng.random_range(10..=18))];
    for year in (founded.year() + 1)..=last.year() {
        intake.push((date(year, 9, 10)?, rng.random_range(3..=6)));
    }
    for (joined, n) in intake {
        if joined > last {
            continue;
        }
        // Those over 15 this September leave at the end of August.
        let mut staying = vec![];
        for (mid, pid, birth) in open.drain(..) {
            if thamgia_domain::models::age_on(birth, joined) > 15 {
                clubs::end_member(
                    c,
                    actor,
                    at(joined, 8),
                    k.id,
                    mid,
                    joined - Duration::days(10),
                )
                .await?;
            } else {
                staying.push((mid, pid, birth));
            }
        }
        open = staying;
        let leaders_now = n.min(if open.is_empty() { 3 } else { 1 });
        for i in 0..n {
            let age = if plan.setting == ClubSetting::Community {
                rng.random_range(8..=14)
            } else {
                rng.random_range(11..=14)
            };
            let joiner = (joined, age, i < leaders_now);
            let (mid, pid, birth) = join_club(
                db,
                actor,
                rng,
                k.id,
                (d, place, person_unit),
                joiner,
                &purpose,
                sum,
            )
            .await?;
            open.push((mid, pid, birth));
        }
    }
    // Activities several times a year, except the quiet years.
    for (first, end) in yearly((founded, 7), ((1, 10), (12, 20)), last, plan.quiet)? {
        club_activities(
            db,
            actor,
            rng,
            k.id,
            (plan, u),
            (first, end, today),
            to,
            sum,
        )
        .await?;
    }
    // And one family of a Phong Thổ school club.
    if plan.district == "109"
        && plan.setting == ClubSetting::School
        && plan.quiet.is_empty()
        && let Some((m, _)) = clubs::members(c, k.id).await?.get(2)
    {
        withdraw.push((m.person_id, date(2019, 11, 5)?));
    }
    Ok(())
}

/// Clubs of the communes and wards of 1/7/2025: (the district whose
/// children's names and ethnic groups they share, the club; its `district`
/// is the commune's code).
const COMMUNE_CLUBS: &[(&str, ClubPlan)] = &[
    (
        "105",
        ClubPlan {
            district: "03388",
            setting: ClubSetting::School,
            host: None,
            name: "CLB Quyền tham gia của trẻ em Trường THCS Đoàn Kết",
            founded: (2025, 9, 12),
            quiet: &[],
        },
    ),
    (
        "105",
        ClubPlan {
            district: "03408",
            setting: ClubSetting::Community,
            host: None,
            name: "CLB Trẻ em tổ dân phố 3, phường Tân Phong",
            founded: (2025, 10, 4),
            quiet: &[],
        },
    ),
    (
        "106",
        ClubPlan {
            district: "03424",
            setting: ClubSetting::School,
            host: Some(crate::demo_recent::COMMUNE_SCHOOL),
            name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Bản Bo",
            founded: (2025, 9, 18),
            quiet: &[],
        },
    ),
    (
        "106",
        ClubPlan {
            district: "03390",
            setting: ClubSetting::Community,
            host: None,
            name: "CLB Trẻ em bản Nà Luông, xã Bình Lư",
            founded: (2025, 9, 25),
            quiet: &[],
        },
    ),
    (
        "109",
        ClubPlan {
            district: "03549",
            setting: ClubSetting::School,
            host: None,
            name: "CLB Quyền tham gia của trẻ em Trường PTDTBT THCS Phong Thổ",
            founded: (2025, 10, 8),
            quiet: &[],
        },
    ),
    (
        "110",
        ClubPlan {
            district: "03595",
            setting: ClubSetting::School,
            host: None,
            name: "CLB Quyền tham gia của trẻ em Trường THCS Than Uyên",
            founded: (2026, 3, 2),
            quiet: &[],
        },
    ),
    (
        "111",
        ClubPlan {
            district: "03598",
            setting: ClubSetting::School,
            host: None,
            name: "CLB Quyền tham gia của trẻ em Trường THCS Tân Uyên",
            founded: (2025, 11, 5),
            quiet: &[],
        },
    ),
];

fn district_of(code: &str) -> anyhow::Result<&'static District> {
    DISTRICTS
        .iter()
        .find(|d| d.code == code)
        .ok_or_else(|| anyhow!("demo district {code}"))
}

/// The commune or ward of 1/7/2025 with that code (codes were reused in
/// 2025: a code names a unit only with a date).
async fn commune(
    c: &thamgia_store::sea_orm::DatabaseConnection,
    code: &str,
) -> anyhow::Result<thamgia_store::entity::unit::Model> {
    Ok(
        units::resolve(c, &Scope::everything(), code, Some(2026), None)
            .await
            .with_context(|| format!("demo commune {code}"))?
            .unit,
    )
}

/// A club's school or village, when a unit of the demo.
async fn host_of(
    c: &thamgia_store::sea_orm::DatabaseConnection,
    plan: &ClubPlan,
) -> anyhow::Result<Option<thamgia_store::entity::unit::Model>> {
    match plan.host {
        Some(code) => Ok(Some(
            units::by_code(c, code)
                .await?
                .ok_or_else(|| anyhow!("demo unit {code} missing"))?,
        )),
        None => Ok(None),
    }
}

/// A day as (year, month, day).
type Day = (i32, u32, u32);

/// The Children's Councils of communes and wards since 1/7/2025: (district
/// whose children they are, commune, place, founding day).
const COMMUNE_COUNCILS: &[(&str, &str, &str, Day)] = &[
    ("105", "03388", "phường Đoàn Kết", (2025, 8, 20)),
    ("106", "03424", "xã Bản Bo", (2025, 9, 5)),
    ("109", "03549", "xã Phong Thổ", (2025, 10, 15)),
];

/// The clubs of the communes and wards since 1/7/2025, with members (each
/// with a recorded consent) of 8–14 on joining, most 11 and over, and their
/// activities until today; then the councils of a few of them, with members
/// of 10–13 on the first day of their term (each with a recorded consent), so
/// all within the plan's ages until the term ends, and one or two dialogues a
/// year until today. Their recommendations go to the commune's People's
/// Committee. Call after the units of 2025 and their agencies exist.
pub async fn fill_commune_models(
    db: &Db,
    now: DateTime<Utc>,
    seed: u64,
) -> anyhow::Result<CouncilsSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let today = now.date_naive();
    let mut sum = CouncilsSummary::default();
    let mut withdraw = vec![];
    for (district, plan) in COMMUNE_CLUBS {
        let d = district_of(district)?;
        let u = commune(c, plan.district).await?;
        run_club(
            db,
            &actor,
            &mut rng,
            Club { plan, d, u: &u },
            (today, today),
            Some("UBND"),
            &mut sum,
            &mut withdraw,
        )
        .await?;
    }
    for &(district, code, place, (y, m, day)) in COMMUNE_COUNCILS {
        let established = date(y, m, day)?;
        if established > today {
            continue;
        }
        let u = commune(&db.conn, code).await?;
        run_council(
            db,
            &actor,
            &mut rng,
            Council {
                d: district_of(district)?,
                u: &u,
                place,
                code,
                established,
                silent: &[],
                ages: (10, 13),
                to: Some("UBND"),
            },
            (today, today),
            &mut sum,
        )
        .await?;
    }
    Ok(sum)
}

/// The districts' councils and clubs of 2016–2020 carry on over `years`,
/// until the day `until` (the districts ended on 30/6/2025): each council
/// holds one or two dialogues a year (none in `silent` years), each club takes
/// in 2–5 children of 11–14 every September (those over 15 leave) and meets
/// several times a year except its quiet years. Call after [`fill`].
pub async fn continue_district_models(
    db: &Db,
    now: DateTime<Utc>,
    seed: u64,
    (years, until): ((i32, i32), NaiveDate),
    silent: &[(&str, i32)],
) -> anyhow::Result<CouncilsSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let today = now.date_naive();
    // Nothing of the districts' is dated after `until` (answers to their
    // recommendations may come later).
    let last = today.min(until);
    let mut sum = CouncilsSummary::default();
    for d in DISTRICTS {
        let u = units::by_code(c, d.code)
            .await?
            .ok_or_else(|| anyhow!("demo unit {} missing", d.code))?;
        let Some(k) = councils::of_unit(c, u.id).await? else {
            continue;
        };
        for year in years.0..=years.1 {
            if silent.contains(&(d.code, year)) {
                continue;
            }
            let (first, end) = (date(year, 3, 1)?, date(year, 12, 15)?.min(last));
            if first <= end {
                council_dialogues(
                    db,
                    &actor,
                    &mut rng,
                    k.id,
                    (d.place, d.code, &u),
                    (first, end, today),
                    None,
                    &mut sum,
                )
                .await?;
            }
        }
    }
    let clubs_then = clubs::list(c, &Scope::everything(), years.0 - 1).await?;
    for plan in CLUBS {
        let d = district_of(plan.district)?;
        let Some(row) = clubs_then.iter().find(|r| r.club.name == plan.name) else {
            continue;
        };
        let (k, u) = (&row.club, &row.unit);
        let purpose = format!("Thành viên {}", plan.name);
        let person_unit = row.host.as_ref().map_or(u.id, |h| h.id);
        let place = plan.place();
        for year in years.0..=years.1 {
            let joined = date(year, 9, 10)?;
            if joined <= last {
                for (m, p) in clubs::members(c, k.id).await? {
                    if m.left_on.is_none()
                        && p.birth_date
                            .is_some_and(|b| thamgia_domain::models::age_on(b, joined) > 15)
                    {
                        clubs::end_member(
                            c,
                            &actor,
                            at(joined, 8),
                            k.id,
                            m.id,
                            joined - Duration::days(10),
                        )
                        .await?;
                    }
                }
                for _ in 0..rng.random_range(2..=5) {
                    let joiner = (joined, rng.random_range(11..=14), false);
                    join_club(
                        db,
                        &actor,
                        &mut rng,
                        k.id,
                        (d, place, person_unit),
                        joiner,
                        &purpose,
                        &mut sum,
                    )
                    .await?;
                }
            }
            if plan.quiet.contains(&year) {
                continue;
            }
            let (first, end) = (date(year, 1, 10)?, date(year, 12, 20)?.min(last));
            if first <= end {
                club_activities(
                    db,
                    &actor,
                    &mut rng,
                    k.id,
                    (plan, u),
                    (first, end, today),
                    None,
                    &mut sum,
                )
                .await?;
            }
        }
    }
    Ok(sum)
}

/// A council: what [`run_council`] is run for.
struct Council<'a> {
    /// Where its children come from (names, ethnic groups).
    d: &'a District,
    /// The unit it serves.
    u: &'a thamgia_store::entity::unit::Model,
    /// As it reads inside a name: "huyện Tam Đường", "xã Bản Bo".
    place: &'a str,
    /// The unit code its recommendations' agencies carry.
    code: &'a str,
    established: NaiveDate,
    /// Years without any dialogue.
    silent: &'a [i32],
    /// Ages of new members on the first day of their term.
    ages: (i32, i32),
    /// The agency prefix its recommendations go to, if not the district's offices.
    to: Option<&'a str>,
}

/// Creates a council, its members in two-year terms from the founding day
/// (each with a recorded consent; a few of a term's youngest serve again) and
/// one or two dialogues a year until `last`. Returns the council's id.
async fn run_council(
    db: &Db,
    actor: &Actor,
    rng: &mut StdRng,
    council: Council<'_>,
    (last, today): (NaiveDate, NaiveDate),
    sum: &mut CouncilsSummary,
) -> anyhow::Result<i32> {
    let c = &db.conn;
    let Council {
        d,
        u,
        place,
        code,
        established,
        silent,
        ages,
        to,
    } = council;
    let k = councils::create(
        c,
        actor,
        at(established, 9),
        NewCouncil {
            unit_id: u.id,
            name: format!("Hội đồng trẻ em {place}"),
            established_on: established,
        },
    )
    .await?;
    sum.councils += 1;
    // Two-year terms from the founding day; the latest one is still open.
    let mut start = established;
    let mut carried: Vec<(i32, NaiveDate)> = vec![];
    while start <= last {
        let next = date(start.year() + 2, start.month(), start.day().min(28))?;
        let end = (next <= last).then(|| next - Duration::days(1));
        let purpose = format!(
            "Thành viên Hội đồng trẻ em {place} nhiệm kỳ {}–{}",
            start.year(),
            next.year()
        );
        let size = rng.random_range(7..=15);
        let mut members: Vec<i32> = carried
            .iter()
            .filter(|(_, birth)| thamgia_domain::models::age_on(*birth, start) <= 14)
            .map(|(id, _)| *id)
            .take(3)
            .collect();
        let mut births = vec![];
        while members.len() < size {
            let age = rng.random_range(ages.0..=ages.1);
            let kid = child(rng, d, age, start, None);
            let id = store_child(db, actor, rng, &kid, u.id, start, purpose.clone()).await?;
            sum.people += 1;
            births.push((id, kid.birth));
            members.push(id);
        }
        for (i, person_id) in members.iter().enumerate() {
            let role = match i {
                0 => CouncilRole::Chair,
                1 => CouncilRole::ViceChair,
                2 if size >= 11 => CouncilRole::ViceChair,
                2 | 3 => CouncilRole::Secretary,
                _ => CouncilRole::Member,
            };
            councils::add_member(
                c,
                actor,
                at(start, 11),
                k.id,
                NewMember {
                    person_id: *person_id,
                    role,
                    term_start: start,
                    term_end: end,
                },
            )
            .await?;
            sum.council_members += 1;
        }
        // A couple of this term's youngest may serve again.
        carried = births
            .into_iter()
            .filter(|_| rng.random_bool(0.3))
            .collect();
        start = next;
    }
    // Dialogues: one or two a year, except the silent years.
    for (first, end) in yearly((established, 30), ((3, 1), (12, 15)), last, silent)? {
        council_dialogues(
            db,
            actor,
            rng,
            k.id,
            (place, code, u),
            (first, end, today),
            to,
            sum,
        )
        .await?;
    }
    Ok(k.id)
}

/// Fills the demo's councils and clubs. Call once, after [`crate::demo::fill`].
pub async fn fill(db: &Db, now: DateTime<Utc>, seed: u64) -> anyhow::Result<CouncilsSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let today = now.date_naive();
    let last = date(2020, 12, 31)?.min(today);
    let mut sum = CouncilsSummary::default();
    // Children to withdraw at the end: (person, day).
    let mut withdraw: Vec<(i32, NaiveDate)> = vec![];

    for d in DISTRICTS {
        let u = units::by_code(c, d.code)
            .await?
            .ok_or_else(|| anyhow!("demo unit {} missing", d.code))?;
        let (y, m, day) = d.council;
        let established = date(y, m, day)?;
        if established > last {
            continue;
        }
        let k = run_council(
            db,
            &actor,
            &mut rng,
            Council {
                d,
                u: &u,
                place: d.place,
                code: d.code,
                established,
                silent: d.silent,
                ages: (10, 14),
                to: None,
            },
            (last, today),
            &mut sum,
        )
        .await?;
        // One family of the oldest council withdrew its consent.
        if d.code == "106"
            && let Some((m, _)) = councils::members(c, k).await?.get(4)
        {
            withdraw.push((m.person_id, date(2020, 12, 10)?));
        }
    }

    for plan in CLUBS {
        let d = district_of(plan.district)?;
        let u = units::by_code(c, d.code)
            .await?
            .ok_or_else(|| anyhow!("demo unit {} missing", d.code))?;
        run_club(
            db,
            &actor,
            &mut rng,
            Club { plan, d, u: &u },
            (last, today),
            None,
            &mut sum,
            &mut withdraw,
        )
        .await?;
    }

    for (person_id, on) in withdraw {
        people::withdraw(c, &actor, at(on, 10), &Scope::everything(), person_id).await?;
        sum.withdrawn += 1;
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_councils_by_2018_and_all_eight_by_2020() {
        let by = |y: i32| DISTRICTS.iter().filter(|d| d.council.0 <= y).count();
        assert_eq!(by(2016), 3);
        assert_eq!(by(2018), 6);
        assert_eq!(by(2020), 8);
        // Every district has 1–3 clubs by 2020; some had none in the early years.
        for d in DISTRICTS {
            let n = CLUBS.iter().filter(|k| k.district == d.code).count();
            assert!((1..=3).contains(&n), "{}: {n}", d.code);
        }
        assert!(
            !CLUBS
                .iter()
                .any(|k| k.district == "107" && k.founded.0 < 2018)
        );
        // Sìn Hồ works and has a club in 2019 (the walk-through adds its forum).
        let sin_ho = DISTRICTS.iter().find(|d| d.code == "108").expect("108");
        assert!(sin_ho.council.0 <= 2019 && !sin_ho.silent.contains(&2019));
        assert!(
            CLUBS
                .iter()
                .any(|k| k.district == "108" && k.founded.0 <= 2019 && !k.quiet.contains(&2019))
        );
    }
}

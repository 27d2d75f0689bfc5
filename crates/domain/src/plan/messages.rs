//! The messages a plan check can produce, in English and Vietnamese.
//!
//! Every [`PlanError`](super::PlanError) is built from one [`Template`] here. The English text is
//! stored in the error; [`vietnamese`] finds the template again by its code and English pattern and
//! renders the Vietnamese twin with the same arguments, so the public error type stays plain data.

use super::codes;

/// One message: its error code and the English and Vietnamese patterns, where each `{}` is an
/// argument filled in order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Template {
    pub code: &'static str,
    pub en: &'static str,
    pub vi: &'static str,
}

macro_rules! templates {
    ($($name:ident = $code:ident, $en:literal, $vi:literal;)*) => {
        $(pub(super) const $name: Template = Template { code: codes::$code, en: $en, vi: $vi };)*
        /// Every template, for finding the Vietnamese twin of an English message.
        const ALL: &[Template] = &[$($name),*];
    };
}

templates! {
    SYNTAX = SYNTAX, "invalid TOML: {}", "TOML không hợp lệ: {}";

    MISSING_FIELD = MISSING_FIELD, "required field is missing", "thiếu trường bắt buộc";
    BLANK_FIELD = MISSING_FIELD, "required field is blank", "trường bắt buộc đang để trống";

    COORDINATOR_OPEN = MISSING_FIELD,
        "a coordinator followed by another needs until, its last day",
        "cơ quan điều phối có cơ quan khác tiếp sau phải có until, ngày cuối của mình";

    MISSING_VI = MISSING_VIETNAMESE_NAME, "the Vietnamese text is missing", "thiếu nội dung tiếng Việt";
    BLANK_VI = MISSING_VIETNAMESE_NAME, "the Vietnamese text is blank", "nội dung tiếng Việt đang để trống";
    VI_FOR_EN = MISSING_VIETNAMESE_NAME,
        "{} is given but the Vietnamese text is missing",
        "đã có {} nhưng thiếu nội dung tiếng Việt";

    UNKNOWN_FIELD = UNKNOWN_FIELD,
        "unknown field \"{}\"; expected one of: {}",
        "trường \"{}\" không có trong định dạng kế hoạch; các trường được dùng: {}";

    WRONG_TYPE = INVALID_VALUE, "expected {}, found {}", "cần {}, nhưng gặp {}";
    BLANK_OPTIONAL = INVALID_VALUE,
        "the value is blank; write it or remove the field",
        "giá trị đang để trống; hãy điền hoặc bỏ hẳn trường này";
    DECOMPOSED = INVALID_VALUE,
        "the text uses decomposed Unicode accents (NFD); save the file in NFC form",
        "văn bản dùng dấu Unicode dạng tổ hợp (NFD); hãy lưu tệp ở dạng dựng sẵn (NFC)";
    BAD_DATE = INVALID_VALUE,
        "\"{}\" is not a valid date; write YYYY-MM-DD",
        "\"{}\" không phải là ngày hợp lệ; hãy viết theo dạng YYYY-MM-DD";
    MEASURE_UNIT = INVALID_VALUE,
        "unit \"{}\" does not fit measure \"{}\"; use one of: {}",
        "đơn vị \"{}\" không dùng được cho cách đo \"{}\"; chỉ dùng một trong: {}";
    BAND_OVERLAP = INVALID_VALUE,
        "an age band starting at {} overlaps the band before it, which ends at {}",
        "nhóm tuổi bắt đầu từ {} chồng lên nhóm tuổi trước, kết thúc ở {}";
    AGE_RANGE_ORDER = INVALID_VALUE,
        "the first age {} is greater than the last age {}",
        "tuổi đầu {} lớn hơn tuổi cuối {}";
    AGE_OUTSIDE_SUBJECT = INVALID_VALUE,
        "age {} is outside the plan's subject ages {}–{}",
        "tuổi {} nằm ngoài độ tuổi đối tượng của kế hoạch {}–{}";
    BAND_OUTSIDE_SUBJECT = INVALID_VALUE,
        "the age band {}–{} is outside the plan's subject ages {}–{}",
        "nhóm tuổi {}–{} nằm ngoài độ tuổi đối tượng của kế hoạch {}–{}";
    BASELINE_YEAR = INVALID_VALUE,
        "the baseline year {} is after the plan's first year {}",
        "năm của giá trị ban đầu {} sau năm đầu tiên của kế hoạch {}";
    LEVEL_SELF_REPORT = INVALID_VALUE,
        "level \"{}\" cannot report to itself",
        "cấp \"{}\" không thể báo cáo cho chính cấp mình";
    REPORT_DATE_ORDER = INVALID_VALUE,
        "since {} is after until {}",
        "ngày bắt đầu {} sau ngày kết thúc {}";
    COORDINATOR_NEXT = INVALID_VALUE,
        "the coordinator before ends on {}, so this one must start on {}: coordinators follow each other with no gap or overlap",
        "cơ quan điều phối trước kết thúc ngày {}, nên cơ quan này phải bắt đầu ngày {}: các cơ quan điều phối nối tiếp nhau, không bỏ trống, không chồng lên nhau";
    COORDINATOR_START = INVALID_VALUE,
        "the first coordinator starts on {}, after the plan's first day {}; leave since out or start by that day",
        "cơ quan điều phối đầu tiên bắt đầu ngày {}, sau ngày đầu của kế hoạch {}; hãy bỏ since hoặc bắt đầu từ ngày đó";
    COORDINATOR_END = INVALID_VALUE,
        "the last coordinator ends on {}, before the plan's last day {}; leave until out or end on that day or later",
        "cơ quan điều phối cuối cùng kết thúc ngày {}, trước ngày cuối của kế hoạch {}; hãy bỏ until hoặc kết thúc từ ngày đó trở đi";
    MILESTONE_ORDER = INVALID_VALUE,
        "milestone year {} must come after the milestone year {} before it",
        "năm mốc {} phải sau năm mốc {} đứng trước";
    BAD_CHOICE = INVALID_VALUE,
        "\"{}\" is not allowed; expected one of: {}",
        "giá trị \"{}\" không hợp lệ; chỉ được dùng một trong: {}";
    BAD_PLAN_CODE = INVALID_VALUE,
        "\"{}\" is not a valid plan code: use lowercase ASCII letters, digits and '-' only, at most 64 characters",
        "\"{}\" không phải là mã kế hoạch hợp lệ: chỉ dùng chữ thường ASCII, chữ số và dấu '-', tối đa 64 ký tự";
    BAD_UNIT_CODE = INVALID_VALUE,
        "\"{}\" is not a valid unit code: use ASCII letters, digits and '-' only, at most 64 characters",
        "\"{}\" không phải là mã đơn vị hợp lệ: chỉ dùng chữ cái ASCII, chữ số và dấu '-', tối đa 64 ký tự";
    BAD_AGENCY_CODE = INVALID_VALUE,
        "\"{}\" is not a valid agency code: use ASCII capital letters, digits, '-' and '_' only, at most 64 characters",
        "\"{}\" không phải là mã cơ quan hợp lệ: chỉ dùng chữ in hoa ASCII, chữ số, dấu '-' và '_', tối đa 64 ký tự";
    BAD_CODE = INVALID_VALUE,
        "\"{}\" is not a valid code: use ASCII letters, digits, '-' and '_' only, at most 64 characters",
        "\"{}\" không phải là mã hợp lệ: chỉ dùng chữ cái ASCII, chữ số, dấu '-' và '_', tối đa 64 ký tự";
    BAD_SETTING_NAME = INVALID_VALUE,
        "\"{}\" is not a valid setting name: use lowercase ASCII letters, digits and '_', starting with a letter",
        "\"{}\" không phải là tên thiết lập hợp lệ: chỉ dùng chữ thường ASCII, chữ số và dấu '_', bắt đầu bằng chữ cái";
    BAD_REPORTER = INVALID_VALUE,
        "\"{}\" is not a valid reporter: use an agency code, \"all\" or \"level:<level>\"",
        "\"{}\" không phải là bên báo cáo hợp lệ: hãy dùng mã cơ quan, \"all\" hoặc \"level:<cấp>\"";
    BAD_DUTY_AGENCY = INVALID_VALUE,
        "\"{}\" is not a valid agency for a duty: use an agency code or \"level:<level>\"",
        "\"{}\" không phải là cơ quan hợp lệ cho một nhiệm vụ: hãy dùng mã cơ quan hoặc \"level:<cấp>\"";
    OUT_OF_RANGE = INVALID_VALUE,
        "{} is outside the allowed range {}",
        "{} nằm ngoài khoảng cho phép {}";
    NOT_FINITE = INVALID_VALUE, "the number must be finite", "số phải là số hữu hạn";
    PERIOD_ORDER = INVALID_VALUE,
        "period_start {} is after period_end {}",
        "năm bắt đầu {} sau năm kết thúc {}";
    AGE_ORDER = INVALID_VALUE,
        "subject_min_age {} is greater than subject_max_age {}",
        "tuổi tối thiểu {} lớn hơn tuổi tối đa {}";
    DATE_ORDER = INVALID_VALUE,
        "valid_from {} is after valid_to {}",
        "ngày bắt đầu hiệu lực {} sau ngày hết hiệu lực {}";
    SELF_SUCCESSOR = INVALID_VALUE,
        "unit \"{}\" cannot be its own successor",
        "đơn vị \"{}\" không thể là đơn vị kế thừa của chính nó";
    LISTED_TWICE = INVALID_VALUE,
        "\"{}\" is listed more than once",
        "\"{}\" được liệt kê nhiều lần";
    PARENT_IS_MODEL = INVALID_VALUE,
        "\"{}\" is a model; only a project can contain projects or models",
        "\"{}\" là mô hình; chỉ dự án mới có thể chứa dự án hoặc mô hình con";
    PROJECT_CYCLE = INVALID_VALUE,
        "project parents form a cycle: {}",
        "quan hệ cha - con giữa các dự án tạo thành vòng lặp: {}";
    SELF_REPORT = INVALID_VALUE,
        "\"{}\" cannot report to itself",
        "\"{}\" không thể tự báo cáo cho chính mình";
    DUPLICATE_TARGET = INVALID_VALUE,
        "another target for the same year and unit is on line {}",
        "đã có chỉ tiêu khác cho cùng năm và đơn vị ở dòng {}";

    DUPLICATE_CODE = DUPLICATE_CODE,
        "code \"{}\" is already used on line {}",
        "mã \"{}\" đã được dùng ở dòng {}";

    UNKNOWN_UNIT = UNKNOWN_UNIT,
        "no unit with code \"{}\" is defined",
        "không có đơn vị nào mang mã \"{}\"";
    UNKNOWN_AGENCY = UNKNOWN_AGENCY,
        "no agency with code \"{}\" is defined",
        "không có cơ quan nào mang mã \"{}\"";
    UNKNOWN_INDICATOR = UNKNOWN_INDICATOR,
        "no indicator with code \"{}\" is defined",
        "không có chỉ số nào mang mã \"{}\"";
    UNKNOWN_PROJECT = UNKNOWN_PROJECT,
        "no project or model with code \"{}\" is defined",
        "không có dự án hay mô hình nào mang mã \"{}\"";

    PERCENT_RANGE = TARGET_OUT_OF_RANGE,
        "{} is outside 0..=100 for a percentage",
        "{} nằm ngoài khoảng 0..=100 của một tỷ lệ phần trăm";
    COUNT_NEGATIVE = TARGET_OUT_OF_RANGE,
        "a count target cannot be negative ({})",
        "chỉ tiêu dạng số lượng không được âm ({})";
    COUNT_FRACTION = TARGET_OUT_OF_RANGE,
        "a count target must be a whole number ({})",
        "chỉ tiêu dạng số lượng phải là số nguyên ({})";
    TARGET_YEAR = TARGET_OUT_OF_RANGE,
        "year {} is outside the plan period {}–{}",
        "năm {} nằm ngoài giai đoạn của kế hoạch {}–{}";

    UNIT_CYCLE = UNIT_CYCLE,
        "unit parents form a cycle: {}",
        "quan hệ cấp trên - cấp dưới giữa các đơn vị tạo thành vòng lặp: {}";

    MISSING_LEAD = MISSING_LEAD,
        "\"{}\" has no lead agency; only a project that contains models may omit it",
        "\"{}\" chưa có cơ quan chủ trì; chỉ dự án có chứa mô hình mới được bỏ trống";
}

/// Fills each `{}` of `pattern` with the next argument.
pub(super) fn render(pattern: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut args = args.iter();
    let mut pieces = pattern.split("{}");
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        out.push_str(args.next().copied().unwrap_or(""));
        out.push_str(piece);
    }
    out
}

/// The arguments with which `pattern` renders to `message`, if it does.
fn extract<'m>(pattern: &str, message: &'m str) -> Option<Vec<&'m str>> {
    let pieces: Vec<&str> = pattern.split("{}").collect();
    let (first, rest_pieces) = pieces.split_first()?;
    let mut rest = message.strip_prefix(first)?;
    let mut args = Vec::with_capacity(rest_pieces.len());
    for (i, piece) in rest_pieces.iter().enumerate() {
        if i + 1 == rest_pieces.len() {
            let arg = rest.strip_suffix(piece)?;
            args.push(arg);
            rest = "";
        } else {
            let at = rest.find(piece)?;
            args.push(&rest[..at]);
            rest = &rest[at + piece.len()..];
        }
    }
    rest.is_empty().then_some(args)
}

/// Vietnamese for the type words of [`WRONG_TYPE`].
fn type_word_vi(word: &str) -> &str {
    match word {
        "a string" => "một chuỗi ký tự",
        "an integer" => "một số nguyên",
        "a number" => "một số",
        "a date" => "một ngày",
        "an array" => "một mảng",
        "a table" => "một bảng",
        "an array of tables" => "một mảng các bảng",
        "string" => "chuỗi ký tự",
        "integer" => "số nguyên",
        "float" => "số thực",
        "boolean" => "giá trị đúng/sai",
        "datetime" => "ngày giờ",
        "array" => "mảng",
        "table" => "bảng",
        other => other,
    }
}

/// Vietnamese name of an error code, for messages that match no template.
fn code_vi(code: &str) -> &'static str {
    match code {
        codes::SYNTAX => "lỗi cú pháp",
        codes::MISSING_FIELD => "thiếu trường bắt buộc",
        codes::MISSING_VIETNAMESE_NAME => "thiếu nội dung tiếng Việt",
        codes::UNKNOWN_FIELD => "trường không xác định",
        codes::INVALID_VALUE => "giá trị không hợp lệ",
        codes::DUPLICATE_CODE => "trùng mã",
        codes::UNKNOWN_UNIT => "không có đơn vị",
        codes::UNKNOWN_AGENCY => "không có cơ quan",
        codes::UNKNOWN_INDICATOR => "không có chỉ số",
        codes::UNKNOWN_PROJECT => "không có dự án",
        codes::TARGET_OUT_OF_RANGE => "chỉ tiêu ngoài phạm vi",
        codes::UNIT_CYCLE => "vòng lặp đơn vị",
        codes::MISSING_LEAD => "thiếu cơ quan chủ trì",
        _ => "lỗi",
    }
}

/// The Vietnamese rendering of an English message with the given code.
pub(super) fn vietnamese(code: &str, message: &str) -> String {
    for template in ALL.iter().filter(|t| t.code == code) {
        if let Some(args) = extract(template.en, message) {
            let args: Vec<&str> = if template.en == WRONG_TYPE.en {
                args.into_iter().map(type_word_vi).collect()
            } else {
                args
            };
            return render(template.vi, &args);
        }
    }
    format!("{} ({message})", code_vi(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_round_trips() {
        for template in ALL {
            let count = template.en.matches("{}").count();
            assert_eq!(count, template.vi.matches("{}").count(), "{}", template.en);
            let args: Vec<String> = (0..count).map(|i| format!("ARG{i}")).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let en = render(template.en, &args);
            let vi = vietnamese(template.code, &en);
            // Another template with the same code may match first only if it renders the
            // same arguments, which would make the messages ambiguous.
            assert_eq!(vi, render(template.vi, &args), "{}", template.en);
        }
    }

    #[test]
    fn wrong_type_words_are_translated() {
        let en = render(WRONG_TYPE.en, &["a string", "integer"]);
        assert_eq!(
            vietnamese(codes::INVALID_VALUE, &en),
            "cần một chuỗi ký tự, nhưng gặp số nguyên"
        );
    }

    #[test]
    fn unknown_message_falls_back() {
        assert_eq!(
            vietnamese(codes::UNIT_CYCLE, "odd"),
            "vòng lặp đơn vị (odd)"
        );
    }
}

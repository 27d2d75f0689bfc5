//! Reading: from the spanned TOML tree to the plan types, one field at a time.
//!
//! Each field is taken from its table by name; a missing field, a value of the wrong type or a
//! malformed code becomes an error at the value's line (or at the table's header line when the
//! field is missing) and reading goes on with a placeholder. Keys that no reader asked for are
//! reported as unknown when the table is finished. The line of every field read is noted under
//! its path, so that the cross-reference checks in `validate` can point at it too.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::messages::{self as m, Template};
use super::{
    AGENCY_KINDS, AgeBand, AgencyDef, CoordinatorSpan, DutyDef, FundingSourceDef, IndicatorDef,
    IndicatorUnit, Levels, Measure, Milestone, OBJECTIVE_KINDS, ObjectiveDef, PROJECT_KINDS, Plan,
    PlanError, PlanHeader, ProjectDef, REPORTING_FREQUENCIES, ReportLine, ReportingDutyDef,
    TargetDef, TextDef, UNIT_LEVELS, UnitDef,
};

/// Longest code accepted, in bytes (codes are ASCII).
const MAX_CODE_LEN: usize = 64;
/// Years a plan may plausibly cover.
const YEARS: (i64, i64) = (1900, 2200);
/// Ages of a child (under 18 in any country; under 16 in Vietnam).
const AGES: (i64, i64) = (0, 17);

/// The reading context: where lines start, the errors so far and the line of every field read.
pub(super) struct Cx {
    line_starts: Vec<usize>,
    errors: Vec<PlanError>,
    lines: HashMap<String, usize>,
}

impl Cx {
    pub(super) fn new(source: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Cx {
            line_starts,
            errors: Vec::new(),
            lines: HashMap::new(),
        }
    }

    /// The 1-based line holding this byte offset.
    pub(super) fn line(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(index) => index + 1,
            Err(index) => index.max(1),
        }
    }

    pub(super) fn push(&mut self, line: usize, field: &str, template: &Template, args: &[&str]) {
        self.errors.push(PlanError {
            line,
            field: field.to_owned(),
            code: template.code,
            message: m::render(template.en, args),
        });
    }

    /// Records the line of a field path.
    fn note(&mut self, path: &str, line: usize) {
        self.lines.insert(path.to_owned(), line);
    }

    /// Whether a field was present in the file.
    pub(super) fn was_read(&self, path: &str) -> bool {
        self.lines.contains_key(path)
    }

    /// The line of a field path, or of the nearest enclosing table that was read.
    pub(super) fn line_of(&self, path: &str) -> usize {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path) {
                return *line;
            }
            match path.rfind(['.', '[']) {
                Some(at) => path = &path[..at],
                None => return 1,
            }
        }
    }

    /// An error at the line of a field path.
    pub(super) fn at(&mut self, path: &str, template: &Template, args: &[&str]) {
        let line = self.line_of(path);
        self.push(line, path, template, args);
    }

    /// The errors, ordered by line (in the order found within a line).
    pub(super) fn into_errors(self) -> Vec<PlanError> {
        let mut errors = self.errors;
        errors.sort_by_key(|e| e.line);
        errors
    }
}

/// The path of each item read, in the order of the plan's lists, for the cross-reference checks.
#[derive(Default)]
pub(super) struct Paths {
    pub units: Vec<String>,
    pub agencies: Vec<String>,
    pub objectives: Vec<String>,
    pub indicators: Vec<String>,
    /// For each indicator, the path of each of its targets.
    pub targets: Vec<Vec<String>>,
    pub projects: Vec<String>,
    pub funding_sources: Vec<String>,
    pub reporting: Vec<String>,
    pub duties: Vec<String>,
}

/// How a string field is required.
#[derive(Clone, Copy, PartialEq)]
enum Need {
    Required,
    Optional,
    /// A Vietnamese text that must be there and not blank.
    RequiredVi,
    /// A Vietnamese text that may be absent, but not blank.
    OptionalVi,
}

/// Which characters a code may use.
#[derive(Clone, Copy)]
enum CodeRule {
    /// Lowercase ASCII letters, digits, `-`.
    Plan,
    /// ASCII letters, digits, `-`.
    Unit,
    /// ASCII capital letters, digits, `-`, `_`.
    Agency,
    /// ASCII letters, digits, `-`, `_`.
    Other,
}

impl CodeRule {
    fn accepts(self, code: &str) -> bool {
        let allowed = |c: char| match self {
            CodeRule::Plan => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            CodeRule::Unit => c.is_ascii_alphanumeric() || c == '-',
            CodeRule::Agency => {
                c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_'
            }
            CodeRule::Other => c.is_ascii_alphanumeric() || c == '-' || c == '_',
        };
        !code.is_empty() && code.len() <= MAX_CODE_LEN && code.chars().all(allowed)
    }

    fn template(self) -> &'static Template {
        match self {
            CodeRule::Plan => &m::BAD_PLAN_CODE,
            CodeRule::Unit => &m::BAD_UNIT_CODE,
            CodeRule::Agency => &m::BAD_AGENCY_CODE,
            CodeRule::Other => &m::BAD_CODE,
        }
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

/// One TOML table being read.
struct Obj<'a, 'i> {
    path: String,
    line: usize,
    entries: Vec<(&'a Spanned<DeString<'i>>, &'a Value<'i>)>,
    used: Vec<bool>,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Obj<'a, 'i> {
    fn from_table(path: String, line: usize, table: &'a DeTable<'i>) -> Self {
        let entries: Vec<_> = table.iter().collect();
        let used = vec![false; entries.len()];
        Obj {
            path,
            line,
            entries,
            used,
            asked: Vec::new(),
        }
    }

    /// The table in `value`, or an error if it is not a table.
    fn new(cx: &mut Cx, path: String, value: &'a Value<'i>) -> Option<Self> {
        let line = cx.line(value.span().start);
        cx.note(&path, line);
        match value.get_ref() {
            DeValue::Table(table) => Some(Obj::from_table(path, line, table)),
            other => {
                cx.push(line, &path, &m::WRONG_TYPE, &["a table", other.type_str()]);
                None
            }
        }
    }

    fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.get_ref() == key)
    }

    /// The value of a key, marking it as known; notes its line.
    fn take(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a Value<'i>> {
        self.asked.push(key);
        let index = self.entries.iter().position(|(k, _)| k.get_ref() == key)?;
        self.used[index] = true;
        let value = self.entries[index].1;
        cx.note(&self.child(key), cx.line(value.span().start));
        Some(value)
    }

    /// Reports the keys no reader asked for.
    fn finish(self, cx: &mut Cx) {
        let expected = self.asked.join(", ");
        for ((key, _), used) in self.entries.iter().zip(&self.used) {
            if !used {
                let line = cx.line(key.span().start);
                cx.push(
                    line,
                    &self.child(key.get_ref()),
                    &m::UNKNOWN_FIELD,
                    &[key.get_ref(), &expected],
                );
            }
        }
    }

    fn missing(&self, cx: &mut Cx, key: &str, template: &Template) {
        cx.push(self.line, &self.child(key), template, &[]);
    }

    fn text(&mut self, cx: &mut Cx, key: &'static str, need: Need) -> Option<String> {
        let Some(value) = self.take(cx, key) else {
            match need {
                Need::Required => self.missing(cx, key, &m::MISSING_FIELD),
                Need::RequiredVi => self.missing(cx, key, &m::MISSING_VI),
                Need::Optional | Need::OptionalVi => {}
            }
            return None;
        };
        let path = self.child(key);
        let text = as_string(cx, &path, value)?;
        if text.trim().is_empty() {
            let template = match need {
                Need::Required => &m::BLANK_FIELD,
                Need::RequiredVi | Need::OptionalVi => &m::BLANK_VI,
                Need::Optional => &m::BLANK_OPTIONAL,
            };
            cx.push(cx.line(value.span().start), &path, template, &[]);
            return None;
        }
        Some(text)
    }

    fn req(&mut self, cx: &mut Cx, key: &'static str) -> String {
        self.text(cx, key, Need::Required).unwrap_or_default()
    }

    fn vi(&mut self, cx: &mut Cx, key: &'static str) -> String {
        self.text(cx, key, Need::RequiredVi).unwrap_or_default()
    }

    fn opt(&mut self, cx: &mut Cx, key: &'static str) -> Option<String> {
        self.text(cx, key, Need::Optional)
    }

    /// An optional Vietnamese/English pair: English without Vietnamese is an error.
    fn pair(
        &mut self,
        cx: &mut Cx,
        vi_key: &'static str,
        en_key: &'static str,
    ) -> (Option<String>, Option<String>) {
        let vi = self.text(cx, vi_key, Need::OptionalVi);
        let en = self.text(cx, en_key, Need::Optional);
        if en.is_some() && !self.has(vi_key) {
            let line = cx.line_of(&self.child(en_key));
            cx.push(line, &self.child(vi_key), &m::VI_FOR_EN, &[en_key]);
        }
        (vi, en)
    }

    /// A code that this item defines. A malformed code is reported but kept, so that the
    /// references to it do not fail as well.
    fn code(&mut self, cx: &mut Cx, key: &'static str, rule: CodeRule) -> String {
        let Some(code) = self.text(cx, key, Need::Required) else {
            return String::new();
        };
        if !rule.accepts(&code) {
            cx.at(&self.child(key), rule.template(), &[&code]);
        }
        code
    }

    /// One of a fixed set of words.
    fn choice(&mut self, cx: &mut Cx, key: &'static str, allowed: &[&str]) -> Option<String> {
        let word = self.text(cx, key, Need::Required)?;
        if allowed.contains(&word.as_str()) {
            Some(word)
        } else {
            cx.at(
                &self.child(key),
                &m::BAD_CHOICE,
                &[&word, &allowed.join(", ")],
            );
            None
        }
    }

    fn int(&mut self, cx: &mut Cx, key: &'static str, required: bool) -> Option<i64> {
        let Some(value) = self.take(cx, key) else {
            if required {
                self.missing(cx, key, &m::MISSING_FIELD);
            }
            return None;
        };
        as_int(cx, &self.child(key), value)
    }

    /// A whole number within `range` (inclusive).
    fn int_in(&mut self, cx: &mut Cx, key: &'static str, range: (i64, i64)) -> Option<i64> {
        let number = self.int(cx, key, true)?;
        if number < range.0 || number > range.1 {
            let shown = number.to_string();
            let range = format!("{}..={}", range.0, range.1);
            cx.at(&self.child(key), &m::OUT_OF_RANGE, &[&shown, &range]);
            return None;
        }
        Some(number)
    }

    fn number(&mut self, cx: &mut Cx, key: &'static str) -> Option<f64> {
        let Some(value) = self.take(cx, key) else {
            self.missing(cx, key, &m::MISSING_FIELD);
            return None;
        };
        as_number(cx, &self.child(key), value)
    }

    fn date(&mut self, cx: &mut Cx, key: &'static str, required: bool) -> Option<NaiveDate> {
        let Some(value) = self.take(cx, key) else {
            if required {
                self.missing(cx, key, &m::MISSING_FIELD);
            }
            return None;
        };
        as_date(cx, &self.child(key), value)
    }

    /// An array of strings; a bad element becomes an empty placeholder so indexes stay aligned.
    fn list(&mut self, cx: &mut Cx, key: &'static str) -> Vec<String> {
        let Some(value) = self.take(cx, key) else {
            return Vec::new();
        };
        let path = self.child(key);
        let DeValue::Array(array) = value.get_ref() else {
            let found = value.get_ref().type_str();
            cx.at(&path, &m::WRONG_TYPE, &["an array", found]);
            return Vec::new();
        };
        array
            .iter()
            .enumerate()
            .map(|(index, element)| {
                let element_path = format!("{path}[{index}]");
                cx.note(&element_path, cx.line(element.span().start));
                match as_string(cx, &element_path, element) {
                    Some(text) if !text.trim().is_empty() => text,
                    Some(_) => {
                        cx.at(&element_path, &m::BLANK_FIELD, &[]);
                        String::new()
                    }
                    None => String::new(),
                }
            })
            .collect()
    }

    /// An array of words from a fixed set; at least one when `required`.
    fn words(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        allowed: &[&str],
        required: bool,
    ) -> Vec<String> {
        if required && !self.has(key) {
            self.missing(cx, key, &m::MISSING_FIELD);
            return Vec::new();
        }
        let path = self.child(key);
        let words = self.list(cx, key);
        for (index, word) in words.iter().enumerate() {
            if !word.is_empty() && !allowed.contains(&word.as_str()) {
                cx.at(
                    &format!("{path}[{index}]"),
                    &m::BAD_CHOICE,
                    &[word, &allowed.join(", ")],
                );
            }
        }
        if required && words.is_empty() && self.has(key) {
            cx.at(&path, &m::BLANK_FIELD, &[]);
        }
        words
            .into_iter()
            .filter(|w| allowed.contains(&w.as_str()))
            .collect()
    }

    /// An optional age of childhood.
    fn age(&mut self, cx: &mut Cx, key: &'static str) -> Option<u8> {
        if !self.has(key) {
            let _ = self.take(cx, key);
            return None;
        }
        self.int_in(cx, key, AGES)
            .and_then(|n| u8::try_from(n).ok())
    }

    /// A sub-table.
    fn table(&mut self, cx: &mut Cx, key: &'static str, required: bool) -> Option<Obj<'a, 'i>> {
        let Some(value) = self.take(cx, key) else {
            if required {
                self.missing(cx, key, &m::MISSING_FIELD);
            }
            return None;
        };
        Obj::new(cx, self.child(key), value)
    }

    /// An array of tables (`[[key]]` or an inline array of inline tables). Elements that are
    /// not tables are reported and left out.
    fn tables(&mut self, cx: &mut Cx, key: &'static str, required: bool) -> Vec<Obj<'a, 'i>> {
        let Some(value) = self.take(cx, key) else {
            if required {
                self.missing(cx, key, &m::MISSING_FIELD);
            }
            return Vec::new();
        };
        let path = self.child(key);
        let DeValue::Array(array) = value.get_ref() else {
            let found = value.get_ref().type_str();
            cx.at(&path, &m::WRONG_TYPE, &["an array of tables", found]);
            return Vec::new();
        };
        array
            .iter()
            .enumerate()
            .filter_map(|(index, element)| Obj::new(cx, format!("{path}[{index}]"), element))
            .collect()
    }
}

/// Whether the text holds combining accents, i.e. was saved decomposed (NFD) rather than NFC.
fn is_decomposed(text: &str) -> bool {
    text.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c))
}

fn as_string(cx: &mut Cx, path: &str, value: &Value<'_>) -> Option<String> {
    let line = cx.line(value.span().start);
    match value.get_ref() {
        DeValue::String(text) => {
            if is_decomposed(text) {
                cx.push(line, path, &m::DECOMPOSED, &[]);
                return None;
            }
            Some(text.to_string())
        }
        other => {
            cx.push(line, path, &m::WRONG_TYPE, &["a string", other.type_str()]);
            None
        }
    }
}

fn as_int(cx: &mut Cx, path: &str, value: &Value<'_>) -> Option<i64> {
    let line = cx.line(value.span().start);
    match value.get_ref() {
        DeValue::Integer(integer) => match i64::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(number) => Some(number),
            Err(_) => {
                let shown = integer.to_string();
                let range = format!("{}..={}", i64::MIN, i64::MAX);
                cx.push(line, path, &m::OUT_OF_RANGE, &[&shown, &range]);
                None
            }
        },
        other => {
            cx.push(
                line,
                path,
                &m::WRONG_TYPE,
                &["an integer", other.type_str()],
            );
            None
        }
    }
}

fn as_number(cx: &mut Cx, path: &str, value: &Value<'_>) -> Option<f64> {
    let line = cx.line(value.span().start);
    let number = match value.get_ref() {
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .ok()
            // Targets are small; precision loss above 2^53 does not matter here.
            .map(|number| number as f64),
        DeValue::Float(float) => float.as_str().parse::<f64>().ok(),
        other => {
            cx.push(line, path, &m::WRONG_TYPE, &["a number", other.type_str()]);
            return None;
        }
    };
    match number {
        Some(number) if number.is_finite() => Some(number),
        _ => {
            cx.push(line, path, &m::NOT_FINITE, &[]);
            None
        }
    }
}

/// A TOML local date (`2015-11-30`), or a string holding one.
fn as_date(cx: &mut Cx, path: &str, value: &Value<'_>) -> Option<NaiveDate> {
    let line = cx.line(value.span().start);
    let parsed = match value.get_ref() {
        DeValue::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| datetime.to_string()),
            _ => Err(datetime.to_string()),
        },
        DeValue::String(text) => {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| text.to_string())
        }
        other => {
            cx.push(line, path, &m::WRONG_TYPE, &["a date", other.type_str()]);
            return None;
        }
    };
    match parsed {
        Ok(date) => Some(date),
        Err(shown) => {
            cx.push(line, path, &m::BAD_DATE, &[&shown]);
            None
        }
    }
}

fn to_i32(number: Option<i64>) -> Option<i32> {
    number.and_then(|n| i32::try_from(n).ok())
}

/// Reads the whole plan. Problems are left in `cx`; the plan holds placeholders where values
/// were missing or wrong, and must not be used when there are errors.
pub(super) fn read_plan(cx: &mut Cx, tree: &Spanned<DeTable<'_>>) -> (Plan, Paths) {
    let mut root = Obj::from_table(String::new(), 1, tree.get_ref());
    let mut paths = Paths::default();

    let (header, period, subject) = match root.table(cx, "header", true) {
        Some(obj) => read_header(cx, obj),
        None => (empty_header(), None, None),
    };
    let settings = root
        .table(cx, "settings", false)
        .map(|obj| read_settings(cx, obj));
    let units = read_list(cx, &mut root, "units", true, &mut paths.units, read_unit);
    let agencies = read_list(
        cx,
        &mut root,
        "agencies",
        true,
        &mut paths.agencies,
        read_agency,
    );
    let purposes = read_list(cx, &mut root, "purposes", false, &mut Vec::new(), read_text);
    let objectives = read_list(
        cx,
        &mut root,
        "objectives",
        false,
        &mut paths.objectives,
        read_objective,
    );
    let mut target_paths = Vec::new();
    let indicators = read_list(
        cx,
        &mut root,
        "indicators",
        false,
        &mut paths.indicators,
        |cx, obj| {
            let (indicator, paths) = read_indicator(cx, obj, period, subject);
            target_paths.push(paths);
            indicator
        },
    );
    paths.targets = target_paths;
    let projects = read_list(
        cx,
        &mut root,
        "projects",
        false,
        &mut paths.projects,
        read_project,
    );
    let funding_sources = read_list(
        cx,
        &mut root,
        "funding_sources",
        false,
        &mut paths.funding_sources,
        read_funding_source,
    );
    let reporting = read_list(
        cx,
        &mut root,
        "reporting",
        false,
        &mut paths.reporting,
        read_reporting,
    );
    let duties = read_list(cx, &mut root, "duties", false, &mut paths.duties, read_duty);
    let levels = root
        .table(cx, "levels", false)
        .map(|obj| read_levels(cx, obj))
        .unwrap_or_default();
    root.finish(cx);

    let plan = Plan {
        header,
        settings: settings.unwrap_or_default(),
        units,
        agencies,
        purposes,
        objectives,
        indicators,
        projects,
        funding_sources,
        reporting,
        duties,
        levels,
    };
    (plan, paths)
}

/// Reads each table of an array of tables, noting its path.
fn read_list<'a, 'i, T>(
    cx: &mut Cx,
    parent: &mut Obj<'a, 'i>,
    key: &'static str,
    required: bool,
    item_paths: &mut Vec<String>,
    mut read: impl FnMut(&mut Cx, Obj<'a, 'i>) -> T,
) -> Vec<T> {
    let items = parent.tables(cx, key, required);
    items
        .into_iter()
        .map(|obj| {
            item_paths.push(obj.path.clone());
            read(cx, obj)
        })
        .collect()
}

fn empty_header() -> PlanHeader {
    PlanHeader {
        code: String::new(),
        name_vi: String::new(),
        name_en: String::new(),
        issuer_vi: String::new(),
        issuer_en: String::new(),
        issuer_unit: String::new(),
        document_date: NaiveDate::default(),
        based_on_vi: None,
        based_on_en: None,
        period_start: 0,
        period_end: 0,
        subject_vi: String::new(),
        subject_en: String::new(),
        subject_min_age: 0,
        subject_max_age: 0,
        scope_vi: String::new(),
        scope_en: String::new(),
        coordinator: String::new(),
        coordinators: Vec::new(),
        age_bands: Vec::new(),
    }
}

/// The subject ages (`subject_min_age`, `subject_max_age`), when both are valid and in order.
type Subject = Option<(u8, u8)>;

/// The header; the period when both years are valid and in order; the subject ages likewise.
fn read_header(cx: &mut Cx, mut obj: Obj<'_, '_>) -> (PlanHeader, Option<(i32, i32)>, Subject) {
    let code = obj.code(cx, "code", CodeRule::Plan);
    let name_vi = obj.vi(cx, "name_vi");
    let name_en = obj.req(cx, "name_en");
    let issuer_vi = obj.vi(cx, "issuer_vi");
    let issuer_en = obj.req(cx, "issuer_en");
    let issuer_unit = obj.req(cx, "issuer_unit");
    let document_date = obj.date(cx, "document_date", true);
    let (based_on_vi, based_on_en) = obj.pair(cx, "based_on_vi", "based_on_en");
    let period_start = to_i32(obj.int_in(cx, "period_start", YEARS));
    let period_end = to_i32(obj.int_in(cx, "period_end", YEARS));
    let mut period = period_start.zip(period_end);
    if let Some((start, end)) = period
        && start > end
    {
        let (start, end) = (start.to_string(), end.to_string());
        cx.at(
            &obj.child("period_start"),
            &m::PERIOD_ORDER,
            &[&start, &end],
        );
        period = None;
    }
    let subject_vi = obj.vi(cx, "subject_vi");
    let subject_en = obj.req(cx, "subject_en");
    let min_age = obj
        .int_in(cx, "subject_min_age", AGES)
        .and_then(|n| u8::try_from(n).ok());
    let max_age = obj
        .int_in(cx, "subject_max_age", AGES)
        .and_then(|n| u8::try_from(n).ok());
    if let Some((min, max)) = min_age.zip(max_age)
        && min > max
    {
        let (min, max) = (min.to_string(), max.to_string());
        cx.at(&obj.child("subject_min_age"), &m::AGE_ORDER, &[&min, &max]);
    }
    let scope_vi = obj.vi(cx, "scope_vi");
    let scope_en = obj.req(cx, "scope_en");
    let (coordinator, coordinators) = read_coordinator(cx, &mut obj, period);
    let subject = min_age.zip(max_age).filter(|(min, max)| min <= max);
    let age_bands = read_age_bands(cx, &mut obj, subject);
    obj.finish(cx);
    let header = PlanHeader {
        code,
        name_vi,
        name_en,
        issuer_vi,
        issuer_en,
        issuer_unit,
        document_date: document_date.unwrap_or_default(),
        based_on_vi,
        based_on_en,
        period_start: period_start.unwrap_or_default(),
        period_end: period_end.unwrap_or_default(),
        subject_vi,
        subject_en,
        subject_min_age: min_age.unwrap_or_default(),
        subject_max_age: max_age.unwrap_or_default(),
        scope_vi,
        scope_en,
        coordinator,
        coordinators,
        age_bands,
    };
    (header, period, subject)
}

/// `coordinator`: one agency code, or the agencies that coordinated in turn,
/// `[{ agency = "A", until = 2025-02-28 }, { agency = "B", since = 2025-03-01 }]`: each span
/// starts the day after the one before ends, and together they cover the plan's period (the
/// first may leave `since` open, the last `until`). Returns the agency at the period's end and
/// the spans (none for a single code).
fn read_coordinator(
    cx: &mut Cx,
    obj: &mut Obj<'_, '_>,
    period: Option<(i32, i32)>,
) -> (String, Vec<CoordinatorSpan>) {
    let listed = obj
        .entries
        .iter()
        .any(|(k, v)| k.get_ref() == "coordinator" && matches!(v.get_ref(), DeValue::Array(_)));
    if !listed {
        return (obj.req(cx, "coordinator"), Vec::new());
    }
    let path = obj.child("coordinator");
    let mut spans: Vec<(String, usize, CoordinatorSpan)> = Vec::new();
    for mut entry in obj.tables(cx, "coordinator", true) {
        let agency = entry.req(cx, "agency");
        let since = entry.date(cx, "since", false);
        let until = entry.date(cx, "until", false);
        if let Some((a, b)) = since.zip(until)
            && a > b
        {
            let (a, b) = (a.to_string(), b.to_string());
            cx.at(&entry.child("since"), &m::REPORT_DATE_ORDER, &[&a, &b]);
        }
        let (entry_path, line) = (entry.path.clone(), entry.line);
        entry.finish(cx);
        let span = CoordinatorSpan {
            agency,
            since,
            until,
        };
        spans.push((entry_path, line, span));
    }
    let Some((_, _, last)) = spans.last() else {
        cx.at(&path, &m::BLANK_FIELD, &[]);
        return (String::new(), Vec::new());
    };
    let coordinator = last.agency.clone();
    for pair in spans.windows(2) {
        let [
            (before_path, before_line, before),
            (this_path, this_line, this),
        ] = pair
        else {
            continue;
        };
        let Some(end) = before.until else {
            cx.push(
                *before_line,
                &format!("{before_path}.until"),
                &m::COORDINATOR_OPEN,
                &[],
            );
            continue;
        };
        let Some(next) = end.succ_opt() else { continue };
        if this.since != Some(next) {
            let field = format!("{this_path}.since");
            let line = if this.since.is_some() {
                cx.line_of(&field)
            } else {
                *this_line
            };
            let (end, next) = (end.to_string(), next.to_string());
            cx.push(line, &field, &m::COORDINATOR_NEXT, &[&end, &next]);
        }
    }
    if let Some((start, end)) = period {
        let first_day = NaiveDate::from_ymd_opt(start, 1, 1);
        let last_day = NaiveDate::from_ymd_opt(end, 12, 31);
        if let (Some((first_path, _, first)), Some(day)) = (spans.first(), first_day)
            && let Some(since) = first.since.filter(|since| *since > day)
        {
            let (since, day) = (since.to_string(), day.to_string());
            cx.at(
                &format!("{first_path}.since"),
                &m::COORDINATOR_START,
                &[&since, &day],
            );
        }
        if let (Some((last_path, _, last)), Some(day)) = (spans.last(), last_day)
            && let Some(until) = last.until.filter(|until| *until < day)
        {
            let (until, day) = (until.to_string(), day.to_string());
            cx.at(
                &format!("{last_path}.until"),
                &m::COORDINATOR_END,
                &[&until, &day],
            );
        }
    }
    (coordinator, spans.into_iter().map(|(_, _, s)| s).collect())
}

/// `age_bands = [{ from = 6, to = 10 }, …]`: in order, each within the plan's subject ages and
/// after the one before it.
fn read_age_bands(cx: &mut Cx, obj: &mut Obj<'_, '_>, subject: Subject) -> Vec<AgeBand> {
    let mut bands: Vec<AgeBand> = Vec::new();
    for mut entry in obj.tables(cx, "age_bands", false) {
        let from = entry
            .int_in(cx, "from", AGES)
            .and_then(|n| u8::try_from(n).ok());
        let to = entry
            .int_in(cx, "to", AGES)
            .and_then(|n| u8::try_from(n).ok());
        if let Some((from, to)) = from.zip(to) {
            if from > to {
                let (a, b) = (from.to_string(), to.to_string());
                cx.at(&entry.child("from"), &m::AGE_RANGE_ORDER, &[&a, &b]);
            } else if let Some((min, max)) = subject
                && (from < min || to > max)
            {
                let args = [from, to, min, max].map(|n| n.to_string());
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                cx.at(&entry.path, &m::BAND_OUTSIDE_SUBJECT, &args);
            } else if let Some(last) = bands.last()
                && from <= last.to
            {
                let (a, b) = (from.to_string(), last.to.to_string());
                cx.at(&entry.child("from"), &m::BAND_OVERLAP, &[&a, &b]);
            } else {
                bands.push(AgeBand { from, to });
            }
        }
        entry.finish(cx);
    }
    bands
}

/// `measure = "…"` and its `params = { … }`: a word of the vocabulary, the parameters that
/// measure takes and no other, and a unit the measure can be given in.
fn read_measure(
    cx: &mut Cx,
    obj: &mut Obj<'_, '_>,
    unit: Option<IndicatorUnit>,
    subject: Subject,
) -> Measure {
    let Some(kind) = obj.choice(cx, "measure", crate::plan::MEASURES) else {
        // Still mark the parameters as read, so one mistake gives one error.
        let _ = obj.take(cx, "params");
        return Measure::NotComputed;
    };
    let mut params = obj.table(cx, "params", false);
    let mut p = params.as_mut();
    let _ = &mut p;
    let measure = match kind.as_str() {
        "matters_consulted" => {
            let matter_kind = match p.as_mut() {
                Some(p) => p
                    .choice(cx, "matter_kind", crate::plan::MATTER_KINDS)
                    .unwrap_or_default(),
                None => {
                    obj.missing(cx, "params.matter_kind", &m::MISSING_FIELD);
                    String::new()
                }
            };
            Measure::MattersConsulted { matter_kind }
        }
        "forums_held" => {
            let levels = match p.as_mut() {
                Some(p) => p.words(cx, "levels", crate::plan::UNIT_LEVELS, true),
                None => {
                    obj.missing(cx, "params.levels", &m::MISSING_FIELD);
                    Vec::new()
                }
            };
            Measure::ForumsHeld { levels }
        }
        "units_running_models" => {
            let (level, models) = match p.as_mut() {
                Some(p) => (
                    p.choice(cx, "level", crate::plan::UNIT_LEVELS)
                        .unwrap_or_default(),
                    p.words(cx, "models", crate::plan::MODELS, true),
                ),
                None => {
                    obj.missing(cx, "params.level", &m::MISSING_FIELD);
                    (String::new(), Vec::new())
                }
            };
            Measure::UnitsRunningModels { level, models }
        }
        "children_answers" | "children_in_models" => {
            let (age_min, age_max) = match p.as_mut() {
                Some(p) => (p.age(cx, "age_min"), p.age(cx, "age_max")),
                None => (None, None),
            };
            if let (Some(a), Some(b)) = (age_min, age_max)
                && a > b
            {
                let (a, b) = (a.to_string(), b.to_string());
                cx.at(
                    &format!("{}.params.age_min", obj.path),
                    &m::AGE_RANGE_ORDER,
                    &[&a, &b],
                );
            }
            if let Some((min, max)) = subject {
                for (key, age) in [("age_min", age_min), ("age_max", age_max)] {
                    if let Some(age) = age
                        && (age < min || age > max)
                    {
                        let args = [age, min, max].map(|n| n.to_string());
                        let args: Vec<&str> = args.iter().map(String::as_str).collect();
                        let path = format!("{}.params.{key}", obj.path);
                        cx.at(&path, &m::AGE_OUTSIDE_SUBJECT, &args);
                    }
                }
            }
            if kind == "children_answers" {
                Measure::ChildrenAnswers { age_min, age_max }
            } else {
                Measure::ChildrenInModels { age_min, age_max }
            }
        }
        "people_trained" | "activities" => {
            let project = p.as_mut().and_then(|p| p.opt(cx, "project"));
            if kind == "activities" {
                Measure::Activities { project }
            } else {
                Measure::PeopleTrained { project }
            }
        }
        "money_spent" => Measure::MoneySpent,
        _ => Measure::NotComputed,
    };
    if let Some(p) = params {
        p.finish(cx);
    }
    if let Some(unit) = unit {
        let allowed = measure_units(&measure);
        if !allowed.contains(&unit) {
            let names: Vec<&str> = allowed.iter().map(|u| u.as_str()).collect();
            cx.at(
                &obj.child("unit"),
                &m::MEASURE_UNIT,
                &[unit.as_str(), &kind, &names.join(", ")],
            );
        }
    }
    measure
}

/// The units a measure can be given in.
fn measure_units(measure: &Measure) -> &'static [IndicatorUnit] {
    use IndicatorUnit::{Count, Dong, Percent};
    match measure {
        Measure::MattersConsulted { .. } => &[Percent],
        Measure::ForumsHeld { .. } | Measure::PeopleTrained { .. } | Measure::Activities { .. } => {
            &[Count]
        }
        Measure::UnitsRunningModels { .. }
        | Measure::ChildrenAnswers { .. }
        | Measure::ChildrenInModels { .. } => &[Count, Percent],
        Measure::MoneySpent => &[Dong],
        Measure::NotComputed => &[Percent, Count, Dong],
    }
}

/// `{ year = …, value = … }`.
fn read_milestone(
    cx: &mut Cx,
    mut entry: Obj<'_, '_>,
    unit: Option<IndicatorUnit>,
) -> Option<Milestone> {
    let year = to_i32(entry.int_in(cx, "year", YEARS));
    let value = entry.number(cx, "value");
    if let Some(value) = value {
        check_target_value(cx, &entry.child("value"), unit, value);
    }
    entry.finish(cx);
    Some(Milestone {
        year: year?,
        value: value?,
    })
}

/// `[levels]`: each key absent keeps its default; a list of levels may be empty.
fn read_levels(cx: &mut Cx, mut obj: Obj<'_, '_>) -> Levels {
    let defaults = Levels::default();
    let mut set = |cx: &mut Cx, key: &'static str, default: Vec<String>| {
        if obj.has(key) {
            obj.words(cx, key, UNIT_LEVELS, false)
        } else {
            let _ = obj.take(cx, key);
            default
        }
    };
    let forums = set(cx, "forums", defaults.forums);
    let councils = set(cx, "councils", defaults.councils);
    let clubs = set(cx, "clubs", defaults.clubs);
    let reports = if obj.has("reports") {
        obj.tables(cx, "reports", false)
            .into_iter()
            .filter_map(|entry| read_report_line(cx, entry))
            .collect()
    } else {
        let _ = obj.take(cx, "reports");
        defaults.reports
    };
    obj.finish(cx);
    Levels {
        forums,
        councils,
        clubs,
        reports,
    }
}

/// `{ from = "district", to = "province", since = …, until = … }`.
fn read_report_line(cx: &mut Cx, mut entry: Obj<'_, '_>) -> Option<ReportLine> {
    let from = entry.choice(cx, "from", UNIT_LEVELS);
    let to = entry.choice(cx, "to", UNIT_LEVELS);
    let since = entry.date(cx, "since", false);
    let until = entry.date(cx, "until", false);
    let mut ok = true;
    if let (Some(from), Some(to)) = (&from, &to)
        && from == to
    {
        cx.at(&entry.child("to"), &m::LEVEL_SELF_REPORT, &[from]);
        ok = false;
    }
    if let Some((since, until)) = since.zip(until)
        && since > until
    {
        let (a, b) = (since.to_string(), until.to_string());
        cx.at(&entry.child("since"), &m::REPORT_DATE_ORDER, &[&a, &b]);
        ok = false;
    }
    entry.finish(cx);
    Some(ReportLine {
        from: from?,
        to: to?,
        since,
        until,
    })
    .filter(|_| ok)
}

fn read_settings(cx: &mut Cx, obj: Obj<'_, '_>) -> BTreeMap<String, i64> {
    let mut settings = BTreeMap::new();
    for (key, value) in &obj.entries {
        let name = key.get_ref().as_ref();
        let path = obj.child(name);
        cx.note(&path, cx.line(value.span().start));
        let mut chars = name.chars();
        let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            let line = cx.line(key.span().start);
            cx.push(line, &path, &m::BAD_SETTING_NAME, &[name]);
            continue;
        }
        if let Some(number) = as_int(cx, &path, value) {
            settings.insert(name.to_owned(), number);
        }
    }
    settings
}

fn read_unit(cx: &mut Cx, mut obj: Obj<'_, '_>) -> UnitDef {
    let code = obj.code(cx, "code", CodeRule::Unit);
    let name_vi = obj.vi(cx, "name_vi");
    let name_en = obj.req(cx, "name_en");
    let level = obj.choice(cx, "level", UNIT_LEVELS).unwrap_or_default();
    let parent = obj.opt(cx, "parent");
    let valid_from = obj.date(cx, "valid_from", false);
    let valid_to = obj.date(cx, "valid_to", false);
    if let Some((from, to)) = valid_from.zip(valid_to)
        && from > to
    {
        let (from, to) = (from.to_string(), to.to_string());
        cx.at(&obj.child("valid_from"), &m::DATE_ORDER, &[&from, &to]);
    }
    let successors = obj.list(cx, "successors");
    obj.finish(cx);
    UnitDef {
        code,
        name_vi,
        name_en,
        level,
        parent,
        valid_from,
        valid_to,
        successors,
    }
}

fn read_agency(cx: &mut Cx, mut obj: Obj<'_, '_>) -> AgencyDef {
    let code = obj.code(cx, "code", CodeRule::Agency);
    let name_vi = obj.vi(cx, "name_vi");
    let name_en = obj.req(cx, "name_en");
    let short_vi = obj.text(cx, "short_vi", Need::OptionalVi);
    let unit = obj.req(cx, "unit");
    let kind = obj.choice(cx, "kind", AGENCY_KINDS).unwrap_or_default();
    let valid_from = obj.date(cx, "valid_from", false);
    let valid_to = obj.date(cx, "valid_to", false);
    if let Some((from, to)) = valid_from.zip(valid_to)
        && from > to
    {
        let (from, to) = (from.to_string(), to.to_string());
        cx.at(&obj.child("valid_from"), &m::DATE_ORDER, &[&from, &to]);
    }
    obj.finish(cx);
    AgencyDef {
        code,
        name_vi,
        name_en,
        short_vi,
        unit,
        kind,
        valid_from,
        valid_to,
    }
}

fn read_text(cx: &mut Cx, mut obj: Obj<'_, '_>) -> TextDef {
    let text_vi = obj.vi(cx, "text_vi");
    let text_en = obj.req(cx, "text_en");
    obj.finish(cx);
    TextDef { text_vi, text_en }
}

fn read_objective(cx: &mut Cx, mut obj: Obj<'_, '_>) -> ObjectiveDef {
    let kind = obj.choice(cx, "kind", OBJECTIVE_KINDS).unwrap_or_default();
    let text_vi = obj.vi(cx, "text_vi");
    let text_en = obj.req(cx, "text_en");
    let indicator = obj.opt(cx, "indicator");
    obj.finish(cx);
    ObjectiveDef {
        kind,
        text_vi,
        text_en,
        indicator,
    }
}

/// Checks a target value against its indicator's unit.
fn check_target_value(cx: &mut Cx, path: &str, unit: Option<IndicatorUnit>, value: f64) {
    let shown = value.to_string();
    match unit {
        Some(IndicatorUnit::Percent) if !(0.0..=100.0).contains(&value) => {
            cx.at(path, &m::PERCENT_RANGE, &[&shown]);
        }
        Some(IndicatorUnit::Count | IndicatorUnit::Dong) if value < 0.0 => {
            cx.at(path, &m::COUNT_NEGATIVE, &[&shown]);
        }
        Some(IndicatorUnit::Count | IndicatorUnit::Dong) if value.fract() != 0.0 => {
            cx.at(path, &m::COUNT_FRACTION, &[&shown]);
        }
        _ => {}
    }
}

fn read_indicator(
    cx: &mut Cx,
    mut obj: Obj<'_, '_>,
    period: Option<(i32, i32)>,
    subject: Subject,
) -> (IndicatorDef, Vec<String>) {
    let code = obj.code(cx, "code", CodeRule::Other);
    let name_vi = obj.vi(cx, "name_vi");
    let name_en = obj.req(cx, "name_en");
    let unit = obj
        .choice(cx, "unit", &["%", "count", "dong"])
        .map(|unit| match unit.as_str() {
            "%" => IndicatorUnit::Percent,
            "dong" => IndicatorUnit::Dong,
            _ => IndicatorUnit::Count,
        });
    let target = obj.number(cx, "target");
    if let Some(target) = target {
        check_target_value(cx, &obj.child("target"), unit, target);
    }
    let mut targets = Vec::new();
    let mut target_paths = Vec::new();
    let mut seen: Vec<(Option<i32>, Option<String>, usize)> = Vec::new();
    for mut entry in obj.tables(cx, "targets", false) {
        let year = entry.int(cx, "year", false);
        let year_ok = match (year, period) {
            (Some(year), Some((start, end)))
                if year < i64::from(start) || year > i64::from(end) =>
            {
                let (year, start, end) = (year.to_string(), start.to_string(), end.to_string());
                cx.at(
                    &entry.child("year"),
                    &m::TARGET_YEAR,
                    &[&year, &start, &end],
                );
                false
            }
            _ => true,
        };
        let year = to_i32(year).filter(|_| year_ok);
        let target_unit = entry.opt(cx, "unit");
        let value = entry.number(cx, "value");
        if let Some(value) = value {
            check_target_value(cx, &entry.child("value"), unit, value);
        }
        let line = entry.line;
        if let Some((_, _, first)) = seen
            .iter()
            .find(|(y, u, _)| *y == year && *u == target_unit)
        {
            let first = first.to_string();
            cx.at(&entry.path, &m::DUPLICATE_TARGET, &[&first]);
        } else {
            seen.push((year, target_unit.clone(), line));
        }
        target_paths.push(entry.path.clone());
        entry.finish(cx);
        targets.push(TargetDef {
            year,
            unit: target_unit,
            value: value.unwrap_or_default(),
        });
    }
    let definition_vi = obj.vi(cx, "definition_vi");
    let definition_en = obj.req(cx, "definition_en");
    let (numerator_vi, numerator_en) = obj.pair(cx, "numerator_vi", "numerator_en");
    let (denominator_vi, denominator_en) = obj.pair(cx, "denominator_vi", "denominator_en");
    let measure = read_measure(cx, &mut obj, unit, subject);
    let baseline = obj.table(cx, "baseline", false).and_then(|b| {
        let path = b.child("year");
        let baseline = read_milestone(cx, b, unit)?;
        if let Some((start, _)) = period
            && baseline.year > start
        {
            let (year, start) = (baseline.year.to_string(), start.to_string());
            cx.at(&path, &m::BASELINE_YEAR, &[&year, &start]);
            return None;
        }
        Some(baseline)
    });
    let mut milestones: Vec<Milestone> = Vec::new();
    for entry in obj.tables(cx, "milestones", false) {
        let path = entry.child("year");
        if let Some(ms) = read_milestone(cx, entry, unit) {
            if let Some((start, end)) = period
                && (ms.year < start || ms.year > end)
            {
                let args = [ms.year, start, end].map(|n| n.to_string());
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                cx.at(&path, &m::TARGET_YEAR, &args);
            } else if let Some(last) = milestones.last()
                && ms.year <= last.year
            {
                let (a, b) = (ms.year.to_string(), last.year.to_string());
                cx.at(&path, &m::MILESTONE_ORDER, &[&a, &b]);
            } else {
                milestones.push(ms);
            }
        }
    }
    let interpolate = match obj.take(cx, "interpolate") {
        None => false,
        Some(v) => match v.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                let path = obj.child("interpolate");
                cx.at(&path, &m::WRONG_TYPE, &["true or false", other.type_str()]);
                false
            }
        },
    };
    obj.finish(cx);
    let indicator = IndicatorDef {
        code,
        name_vi,
        name_en,
        unit: unit.unwrap_or(IndicatorUnit::Count),
        target: target.unwrap_or_default(),
        targets,
        definition_vi,
        definition_en,
        numerator_vi,
        numerator_en,
        denominator_vi,
        denominator_en,
        measure,
        baseline,
        milestones,
        interpolate,
    };
    (indicator, target_paths)
}

fn read_project(cx: &mut Cx, mut obj: Obj<'_, '_>) -> ProjectDef {
    let code = obj.code(cx, "code", CodeRule::Other);
    let kind = obj.choice(cx, "kind", PROJECT_KINDS).unwrap_or_default();
    let parent = obj.opt(cx, "parent");
    let name_vi = obj.vi(cx, "name_vi");
    let name_en = obj.req(cx, "name_en");
    let goal_vi = obj.vi(cx, "goal_vi");
    let goal_en = obj.req(cx, "goal_en");
    let (target_vi, target_en) = obj.pair(cx, "target_vi", "target_en");
    let lead = obj.opt(cx, "lead");
    let coordinating = obj.list(cx, "coordinating");
    let indicators = obj.list(cx, "indicators");
    obj.finish(cx);
    ProjectDef {
        code,
        kind,
        parent,
        name_vi,
        name_en,
        goal_vi,
        goal_en,
        target_vi,
        target_en,
        lead,
        coordinating,
        indicators,
    }
}

fn read_funding_source(cx: &mut Cx, mut obj: Obj<'_, '_>) -> FundingSourceDef {
    let code = obj.code(cx, "code", CodeRule::Other);
    let name_vi = obj.vi(cx, "name_vi");
    let name_en = obj.req(cx, "name_en");
    obj.finish(cx);
    FundingSourceDef {
        code,
        name_vi,
        name_en,
    }
}

fn read_reporting(cx: &mut Cx, mut obj: Obj<'_, '_>) -> ReportingDutyDef {
    let reporter = obj.req(cx, "reporter");
    if let Some(level) = reporter.strip_prefix("level:")
        && !UNIT_LEVELS.contains(&level)
    {
        cx.at(&obj.child("reporter"), &m::BAD_REPORTER, &[&reporter]);
    }
    let recipient = obj.req(cx, "recipient");
    let via = obj.opt(cx, "via");
    let frequency = obj
        .choice(cx, "frequency", REPORTING_FREQUENCIES)
        .unwrap_or_default();
    let text_vi = obj.vi(cx, "text_vi");
    let text_en = obj.req(cx, "text_en");
    let since = obj.date(cx, "since", false);
    let until = obj.date(cx, "until", false);
    if let Some((a, b)) = since.zip(until)
        && a > b
    {
        let (a, b) = (a.to_string(), b.to_string());
        cx.at(&obj.child("since"), &m::REPORT_DATE_ORDER, &[&a, &b]);
    }
    obj.finish(cx);
    ReportingDutyDef {
        reporter,
        recipient,
        via,
        frequency,
        text_vi,
        text_en,
        since,
        until,
    }
}

fn read_duty(cx: &mut Cx, mut obj: Obj<'_, '_>) -> DutyDef {
    let code = obj.code(cx, "code", CodeRule::Other);
    let agency = obj.req(cx, "agency");
    if let Some(level) = agency.strip_prefix("level:")
        && !UNIT_LEVELS.contains(&level)
    {
        cx.at(&obj.child("agency"), &m::BAD_DUTY_AGENCY, &[&agency]);
    }
    let text_vi = obj.vi(cx, "text_vi");
    let text_en = obj.req(cx, "text_en");
    let indicators = obj.list(cx, "indicators");
    let kinds: Vec<&str> = crate::activities::ActivityKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let kinds = obj.words(cx, "kinds", &kinds, false);
    obj.finish(cx);
    DutyDef {
        code,
        agency,
        text_vi,
        text_en,
        indicators,
        kinds,
    }
}

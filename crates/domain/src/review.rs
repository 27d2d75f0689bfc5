//! Period reviews (sơ kết, tổng kết): a unit's figures over a span of years
//! of its plan, beside each year's.
//!
//! **The span rule.** Over the span, what adds up is added, and nothing else:
//! - counts of things that happen in a year (activities, people trained,
//!   money spent, children's answers) are the sums of the years;
//! - shares (matters consulted, answers per child of the population) are
//!   recomputed from the span's numerators and denominators — never an
//!   average of the yearly percentages;
//! - counts of units or persons *in* a year (units holding a forum, units
//!   running a model, children on rosters) stay per year: a unit running a
//!   council in 2017 and in 2018 is one unit, not two, and the years cannot
//!   say which are the same. The span shows no figure for them.
//!
//! A count of children hidden in any year ("<5") hides the span's figure: the
//! year's real number is not known to the review (frozen figures keep 0 for
//! it), and the span total beside the shown years would give it away. A span
//! total of 1–4 children is hidden as a year's would be.

use crate::voice::suppress;

/// How a measure's figures add up over a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanRule {
    /// The sum of the years (a count or an amount).
    Sum,
    /// The span's numerators over the span's denominators.
    Share,
    /// Each year on its own; no span figure.
    PerYear,
    /// Measured outside Thamgia: no figure at all.
    None,
}

/// The rule of a measure (`thamgia_domain::plan::Measure::kind`) shown in
/// a unit (`%`, `count`, `dong`).
pub fn rule(measure: &str, unit: &str) -> SpanRule {
    match measure {
        "matters_consulted" => SpanRule::Share,
        "children_answers" if unit == "%" => SpanRule::Share,
        "children_answers" | "people_trained" | "activities" | "money_spent" => SpanRule::Sum,
        "forums_held" | "units_running_models" | "children_in_models" => SpanRule::PerYear,
        _ => SpanRule::None,
    }
}

/// One year's figure of an indicator, as the year's report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct YearFigure {
    pub year: i32,
    pub numerator: u64,
    pub denominator: u64,
    pub target: Option<f64>,
    /// Shown "<5" in the year.
    pub hidden: bool,
}

/// An indicator over the span.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanFigure {
    pub rule: SpanRule,
    /// `None` for [`SpanRule::PerYear`] and [`SpanRule::None`], and when hidden.
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    /// A share in percent (one decimal, capped at 100 when `capped`), or the
    /// sum; `None` when there is no span figure or it is hidden.
    pub value: Option<f64>,
    /// Sums: the sum of the years' targets when every year has one. Shares:
    /// the last year's target (the milestone the span reaches).
    pub target: Option<f64>,
    /// The span's figure is hidden ("<5").
    pub hidden: bool,
}

/// The span figure of an indicator from its years (in any order).
/// `counts_children`: its numerator counts children (small counts hidden);
/// `capped`: a share of the population, capped at 100.
pub fn span(
    rule: SpanRule,
    years: &[YearFigure],
    counts_children: bool,
    capped: bool,
) -> SpanFigure {
    let empty = SpanFigure {
        rule,
        numerator: None,
        denominator: None,
        value: None,
        target: None,
        hidden: false,
    };
    if matches!(rule, SpanRule::PerYear | SpanRule::None) || years.is_empty() {
        return empty;
    }
    let numerator: u64 = years.iter().map(|y| y.numerator).sum();
    let denominator: u64 = years.iter().map(|y| y.denominator).sum();
    let last_target = years.iter().max_by_key(|y| y.year).and_then(|y| y.target);
    let target = match rule {
        SpanRule::Sum => years
            .iter()
            .map(|y| y.target)
            .sum::<Option<f64>>()
            .map(|t| (t * 10.0).round() / 10.0),
        _ => last_target,
    };
    if years.iter().any(|y| y.hidden) || (counts_children && suppress(numerator).is_none()) {
        return SpanFigure {
            target,
            hidden: true,
            ..empty
        };
    }
    let value = match rule {
        SpanRule::Sum => Some(numerator as f64),
        _ if denominator == 0 => None,
        _ => {
            let p = crate::results::percent(numerator, denominator);
            Some(if capped { p.min(100.0) } else { p })
        }
    };
    SpanFigure {
        rule,
        numerator: Some(numerator),
        denominator: (rule == SpanRule::Share).then_some(denominator),
        value,
        target,
        hidden: false,
    }
}

/// The years of a span, checked: `from` ≤ `to`, both inside `within` (the
/// years the unit's plan covers, or the unit's own years), at most 30 years.
pub fn check_span(from: i32, to: i32, within: (i32, i32)) -> Result<(i32, i32), &'static str> {
    if from > to {
        return Err("from_after_to");
    }
    if to - from >= 30 {
        return Err("span_too_long");
    }
    if from < within.0 || to > within.1 {
        return Err("outside_plan");
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(year: i32, numerator: u64, denominator: u64, target: Option<f64>) -> YearFigure {
        YearFigure {
            year,
            numerator,
            denominator,
            target,
            hidden: false,
        }
    }

    #[test]
    fn counts_add_up_and_so_do_their_targets() {
        let years = [y(2016, 12, 0, Some(10.0)), y(2017, 30, 0, Some(20.0))];
        let s = span(rule("activities", "count"), &years, false, false);
        assert_eq!(s.value, Some(42.0));
        assert_eq!(s.numerator, Some(42));
        assert_eq!(s.target, Some(30.0));
        // A year without a target: the span has none.
        let years = [y(2016, 12, 0, None), y(2017, 30, 0, Some(20.0))];
        assert_eq!(span(SpanRule::Sum, &years, false, false).target, None);
    }

    #[test]
    fn shares_are_recomputed_not_averaged() {
        // 1 of 2 (50 %) and 9 of 10 (90 %): the span is 10 of 12, 83.3 %, not 70 %.
        let years = [y(2016, 1, 2, Some(40.0)), y(2017, 9, 10, Some(60.0))];
        let s = span(rule("matters_consulted", "%"), &years, false, false);
        assert_eq!(s.value, Some(83.3));
        assert_eq!((s.numerator, s.denominator), (Some(10), Some(12)));
        assert_eq!(
            s.target,
            Some(60.0),
            "the milestone of the span's last year"
        );
        // No denominator at all: no value.
        let s = span(SpanRule::Share, &[y(2016, 0, 0, None)], false, false);
        assert_eq!(s.value, None);
        // A share of the population is capped.
        let s = span(SpanRule::Share, &[y(2016, 30, 20, None)], true, true);
        assert_eq!(s.value, Some(100.0));
    }

    #[test]
    fn units_in_a_year_stay_per_year() {
        for m in ["forums_held", "units_running_models", "children_in_models"] {
            let s = span(rule(m, "count"), &[y(2016, 3, 0, Some(2.0))], false, false);
            assert_eq!(s.rule, SpanRule::PerYear);
            assert_eq!((s.value, s.numerator, s.target), (None, None, None), "{m}");
        }
        assert_eq!(rule("not_computed", "%"), SpanRule::None);
    }

    #[test]
    fn a_hidden_year_hides_the_span_and_a_small_total_is_hidden() {
        let mut years = vec![y(2016, 40, 0, None), y(2017, 0, 0, None)];
        years[1].hidden = true;
        let s = span(rule("children_answers", "count"), &years, true, false);
        assert!(s.hidden);
        assert_eq!((s.value, s.numerator), (None, None));
        let s = span(
            SpanRule::Sum,
            &[y(2016, 2, 0, None), y(2017, 1, 0, None)],
            true,
            false,
        );
        assert!(s.hidden, "3 children over the span");
        let s = span(
            SpanRule::Sum,
            &[y(2016, 2, 0, None), y(2017, 3, 0, None)],
            true,
            false,
        );
        assert_eq!(s.value, Some(5.0));
        // Activities are not children: small sums are shown.
        let s = span(SpanRule::Sum, &[y(2016, 2, 0, None)], false, false);
        assert_eq!(s.value, Some(2.0));
    }

    #[test]
    fn a_span_lies_inside_the_plan() {
        assert_eq!(check_span(2016, 2020, (2016, 2020)), Ok((2016, 2020)));
        assert_eq!(check_span(2018, 2016, (2016, 2020)), Err("from_after_to"));
        assert_eq!(check_span(2015, 2018, (2016, 2020)), Err("outside_plan"));
        assert_eq!(check_span(2016, 2021, (2016, 2020)), Err("outside_plan"));
    }
}

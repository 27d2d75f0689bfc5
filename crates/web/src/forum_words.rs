//! The words of forums that need the page catalogs (`Lang`): a level as said
//! inside a sentence, and a Circular 29 warning as a sentence. The forum
//! pages, the recommendation pages and the JSON API (`message`,
//! `message_en`) say them the same way.

use crate::i18n::Lang;
use thamgia_domain::models::ForumWarning;

/// "cấp huyện" / "district-level": the level as said inside a sentence.
pub fn level_phrase(lang: Lang, level: &str) -> String {
    lang.t(&format!("forum-level-of-{}", level.replace('_', "-")))
}

/// A Circular 29 warning as a sentence.
pub fn warning_text(lang: Lang, level: &str, w: &ForumWarning) -> String {
    let s = |n: &u32| n.to_string();
    match w {
        ForumWarning::TooFewChildren { min, actual } => lang.t_args(
            "forum-warn-too-few-children",
            &[
                ("level", level_phrase(lang, level)),
                ("min", s(min)),
                ("actual", s(actual)),
            ],
        ),
        ForumWarning::TooFewAdults { needed, actual } => lang.t_args(
            "forum-warn-too-few-adults",
            &[("needed", s(needed)), ("actual", s(actual))],
        ),
        ForumWarning::TooManyVolunteers { max, actual } => lang.t_args(
            "forum-warn-too-many-volunteers",
            &[("max", s(max)), ("actual", s(actual))],
        ),
        ForumWarning::TooManyGuests { max, actual } => lang.t_args(
            "forum-warn-too-many-guests",
            &[("max", s(max)), ("actual", s(actual))],
        ),
        ForumWarning::DelegatesWithoutConsent { count } => lang.t_counts(
            "forum-warn-delegates-without-consent",
            &[("count", i64::from(*count))],
            &[],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_under_forty_warning_reads_as_officials_say_it() {
        let w = ForumWarning::TooFewChildren {
            min: 40,
            actual: 35,
        };
        assert_eq!(
            warning_text(Lang::Vi, "district", &w),
            "Diễn đàn cấp huyện cần ít nhất 40 trẻ em; mới có 35."
        );
    }
}

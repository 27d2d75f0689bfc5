//! The child's page draws its pictures as inline SVG: the faces of the 3- and
//! 5-point scales, girl/boy/other, and the answer-option library of
//! [`thamgia_domain::pictures`]. No picture needs a font, so a cheap phone
//! without a colour emoji font shows the same faces as any other.
//!
//! A page carries, once, a hidden `<svg>` of `<symbol>`s for the pictures it
//! uses ([`sprite`]) and each picture is a `<svg><use href="#p-KEY"/></svg>`,
//! so a face repeated on every scale costs a few bytes after the first and
//! the whole set compresses with the page (the budget for page, stylesheet
//! and pictures is 14 KB compressed). Every drawing is ours, made of simple
//! shapes on a 32 × 32 grid.

/// The shapes of a picture, by key; `None` for a key we do not draw.
fn shapes(key: &str) -> Option<&'static str> {
    Some(match key {
        // Faces: a yellow face, two eyes, the mouth says the rest.
        "f1" => concat!(
            r##"<circle cx="16" cy="16" r="14" fill="#ffd54a" stroke="#6b4e00" stroke-width="1.5"/><circle cx="11" cy="13" r="2"/><circle cx="21" cy="13" r="2"/>"##,
            r##"<path d="M9 25q7-8 14 0" fill="none" stroke="#222" stroke-width="2.2" stroke-linecap="round"/><path d="M8 16q-2 4 0 5q2-1 0-5z" fill="#2f86d6"/>"##
        ),
        "f2" => concat!(
            r##"<circle cx="16" cy="16" r="14" fill="#ffd54a" stroke="#6b4e00" stroke-width="1.5"/><circle cx="11" cy="13" r="2"/><circle cx="21" cy="13" r="2"/>"##,
            r##"<path d="M10 23q6-4 12 0" fill="none" stroke="#222" stroke-width="2.2" stroke-linecap="round"/>"##
        ),
        "f3" => concat!(
            r##"<circle cx="16" cy="16" r="14" fill="#ffd54a" stroke="#6b4e00" stroke-width="1.5"/><circle cx="11" cy="13" r="2"/><circle cx="21" cy="13" r="2"/>"##,
            r##"<path d="M10 21h12" stroke="#222" stroke-width="2.2" stroke-linecap="round"/>"##
        ),
        "f4" => concat!(
            r##"<circle cx="16" cy="16" r="14" fill="#ffd54a" stroke="#6b4e00" stroke-width="1.5"/><circle cx="11" cy="13" r="2"/><circle cx="21" cy="13" r="2"/>"##,
            r##"<path d="M10 19q6 5 12 0" fill="none" stroke="#222" stroke-width="2.2" stroke-linecap="round"/>"##
        ),
        "f5" => concat!(
            r##"<circle cx="16" cy="16" r="14" fill="#ffd54a" stroke="#6b4e00" stroke-width="1.5"/><circle cx="11" cy="12" r="2"/><circle cx="21" cy="12" r="2"/>"##,
            r##"<path d="M8 17q8 11 16 0z" fill="#8a1c1c" stroke="#222" stroke-width="1.5" stroke-linejoin="round"/>"##
        ),
        // Who the child is.
        "girl" => concat!(
            r##"<path d="M16 16l-9 14h18z" fill="#e2447a"/><circle cx="16" cy="10" r="6" fill="#f2c29b"/>"##,
            r##"<path d="M10 10q6-9 12 0q-6-3-12 0z" fill="#3a2a1a"/><circle cx="9" cy="11" r="2.6" fill="#3a2a1a"/><circle cx="23" cy="11" r="2.6" fill="#3a2a1a"/>"##
        ),
        "boy" => concat!(
            r##"<rect x="9" y="17" width="14" height="13" rx="4" fill="#2f7de1"/><circle cx="16" cy="10" r="6" fill="#f2c29b"/>"##,
            r##"<path d="M10 9q6-7 12 0v-2q-6-5-12 0z" fill="#3a2a1a"/>"##
        ),
        "other" => {
            r##"<rect x="9" y="17" width="14" height="13" rx="6" fill="#2aa876"/><circle cx="16" cy="10" r="6" fill="#f2c29b"/>"##
        }
        // The answer-option library.
        "school" => concat!(
            r##"<path d="M3 14L16 5l13 9z" fill="#c0392b"/><rect x="6" y="14" width="20" height="14" fill="#f5d5a0"/>"##,
            r##"<rect x="14" y="20" width="4" height="8" fill="#7a4a1f"/><path d="M8 17h4v4H8zm12 0h4v4h-4z" fill="#4a9fe0"/><path d="M16 5V1h5v2h-5" fill="#e74c3c" stroke="#555"/>"##
        ),
        "home" => {
            r##"<path d="M2 17L16 5l14 12z" fill="#d35400"/><rect x="7" y="17" width="18" height="12" fill="#f0c987"/><rect x="14" y="21" width="5" height="8" fill="#7a4a1f"/>"##
        }
        "play" => {
            r##"<path d="M16 2l10 11-10 12L6 13z" fill="#9b59b6"/><path d="M16 2v23M6 13h20" stroke="#fff" stroke-width="1.2"/><path d="M16 25q-4 3 0 6" fill="none" stroke="#333" stroke-width="1.5"/>"##
        }
        "book" => {
            r##"<path d="M3 7q7-3 13 2v19q-6-4-13-2z" fill="#2f86d6"/><path d="M29 7q-7-3-13 2v19q6-4 13-2z" fill="#6cb6f0"/>"##
        }
        "family" => concat!(
            r##"<circle cx="8" cy="8" r="4" fill="#f2c29b"/><circle cx="24" cy="8" r="4" fill="#f2c29b"/><circle cx="16" cy="17" r="3" fill="#f2c29b"/>"##,
            r##"<rect x="4" y="13" width="8" height="16" rx="3" fill="#2f7de1"/><rect x="20" y="13" width="8" height="16" rx="3" fill="#e2447a"/><rect x="13" y="21" width="6" height="8" rx="2" fill="#2aa876"/>"##
        ),
        "friends" => concat!(
            r##"<circle cx="10" cy="9" r="4.5" fill="#f2c29b"/><circle cx="22" cy="9" r="4.5" fill="#d9a27a"/>"##,
            r##"<rect x="5" y="15" width="10" height="14" rx="4" fill="#f39c12"/><rect x="17" y="15" width="10" height="14" rx="4" fill="#8e44ad"/><path d="M14 20h4" stroke="#f2c29b" stroke-width="3" stroke-linecap="round"/>"##
        ),
        "food" => {
            r##"<path d="M20 3l6 11M24 2l5 10" stroke="#7a4a1f" stroke-width="1.6"/><path d="M6 15q10-10 20 0z" fill="#fff" stroke="#bbb"/><path d="M3 15h26q-2 13-13 13T3 15z" fill="#2f86d6"/>"##
        }
        "water" => {
            r##"<path d="M16 2q11 14 11 19a11 11 0 0 1-22 0q0-5 11-19z" fill="#3498db"/><path d="M10 21a6 6 0 0 0 5 6" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round"/>"##
        }
        "tree" => {
            r##"<rect x="14" y="18" width="4" height="12" fill="#7a4a1f"/><circle cx="16" cy="12" r="10" fill="#27ae60"/><circle cx="12" cy="10" r="3" fill="#4cd07d"/>"##
        }
        "health" => {
            r##"<rect x="3" y="3" width="26" height="26" rx="6" fill="#fff" stroke="#c0392b" stroke-width="2"/><path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="#e74c3c"/>"##
        }
        "safety" => {
            r##"<path d="M16 2l12 4v9q0 11-12 15Q4 26 4 15V6z" fill="#2471a3"/><path d="M10 16l4 4 8-9" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>"##
        }
        "sport" => {
            r##"<circle cx="16" cy="16" r="13" fill="#fff" stroke="#222" stroke-width="1.5"/><path d="M16 10l5.5 4-2 6.5h-7l-2-6.5z" fill="#222"/><path d="M16 10V3.5M21.5 14l6-2M19.5 20.5l4 5M12.5 20.5l-4 5M10.5 14l-6-2" stroke="#222" stroke-width="1.3"/>"##
        }
        "music" => {
            r##"<path d="M12 24V7l14-3v17" fill="none" stroke="#8e44ad" stroke-width="2.5"/><circle cx="8.5" cy="24" r="4" fill="#8e44ad"/><circle cx="22.5" cy="21" r="4" fill="#8e44ad"/>"##
        }
        "yes" => {
            r##"<circle cx="16" cy="16" r="14" fill="#1e8449"/><path d="M9 16.5l5 5 9-10" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>"##
        }
        "no" => {
            r##"<circle cx="16" cy="16" r="14" fill="#c0392b"/><path d="M11 11l10 10m0-10L11 21" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/>"##
        }
        "question" => {
            r##"<circle cx="16" cy="16" r="14" fill="#e67e22"/><path d="M12 12.5q0-5 4-5t4 4q0 3.5-4 5v3" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/><circle cx="16" cy="24.5" r="2" fill="#fff"/>"##
        }
        "dot" => {
            r##"<circle cx="16" cy="16" r="9" fill="#fff" stroke="#6b7a8f" stroke-width="3"/><circle cx="16" cy="16" r="3.5" fill="#6b7a8f"/>"##
        }
        // Thanks, and the answer page's headings.
        "star" => {
            r##"<path d="M16 2l4.2 9 9.8 1.2-7.2 6.8 1.9 9.7L16 23.9l-8.7 4.8 1.9-9.7L2 12.2 11.8 11z" fill="#f5b700" stroke="#9a6b00" stroke-width="1.2" stroke-linejoin="round"/>"##
        }
        _ => return None,
    })
}

/// The key of face `value` (1-based) on a scale of `of` faces: a 3-point scale
/// uses the middle three faces of the five.
pub fn face(value: u8, of: u8) -> &'static str {
    match (of, value) {
        (3, 1) | (5, 2) => "f2",
        (3, 2) | (5, 3) => "f3",
        (3, 3) | (5, 4) => "f4",
        (5, 1) => "f1",
        _ => "f5",
    }
}

/// The hidden `<svg>` of symbols for `keys` (each once, in first-use order),
/// to place once on a page. Keys we do not draw are left out.
pub fn sprite<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = vec![];
    let mut out = String::from(r#"<svg class="sprite" aria-hidden="true" focusable="false">"#);
    for k in keys {
        if seen.contains(&k) {
            continue;
        }
        seen.push(k);
        if let Some(s) = shapes(k) {
            out.push_str(r#"<symbol id="p-"#);
            out.push_str(k);
            out.push_str(r#"" viewBox="0 0 32 32">"#);
            out.push_str(s);
            out.push_str("</symbol>");
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use thamgia_domain::pictures::{KEYS, NEUTRAL};

    #[test]
    fn every_key_of_the_library_and_every_face_is_drawn() {
        for k in KEYS
            .iter()
            .chain([&NEUTRAL, &"girl", &"boy", &"other", &"star"])
        {
            let s = shapes(k).unwrap_or_else(|| panic!("{k} is not drawn"));
            // Shapes only: nothing that could fetch, run or need a font.
            assert!(
                !s.contains("<text") && !s.contains("href") && !s.contains("<script"),
                "{k}"
            );
        }
        for of in [3u8, 5] {
            let faces: Vec<_> = (1..=of).map(|v| face(v, of)).collect();
            let mut unique = faces.clone();
            unique.dedup();
            assert_eq!(unique.len(), usize::from(of), "{faces:?}");
            assert!(faces.iter().all(|f| shapes(f).is_some()));
        }
    }

    #[test]
    fn a_sprite_holds_each_symbol_once() {
        let s = sprite(["f3", "school", "f3", "nonesuch"]);
        assert_eq!(s.matches("<symbol").count(), 2);
        assert!(s.contains(r#"<symbol id="p-f3" viewBox="0 0 32 32">"#));
        assert!(s.starts_with("<svg class=\"sprite\"") && s.ends_with("</svg>"));
    }
}

//! Uploaded documents (minutes, reports, photos of an activity): which files
//! are accepted and the type they are served with.
//!
//! Documents are served from the site's own origin, so a file the browser
//! would run (a script, a page, an SVG with script) could act as the signed-in
//! official. The type therefore never comes from what the uploader claims: it
//! comes from an allow-list keyed by the file name's extension, and anything
//! else is served as `application/octet-stream` (always as an attachment, with
//! `nosniff`). Types a browser or the operating system would execute are
//! refused at upload.

use thiserror::Error;

/// Why a document is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DocumentError {
    /// A script, web page, SVG or program: something that runs when opened.
    #[error("file_type_refused")]
    Executable,
}

impl DocumentError {
    pub fn code(self) -> &'static str {
        match self {
            DocumentError::Executable => "file_type_refused",
        }
    }
}

/// The only types a document is ever served with, by extension.
const SAFE_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
];

/// Extensions of files that run when a browser or a desktop opens them.
const EXECUTABLE: &[&str] = &[
    // Run by the browser from our origin.
    "js", "mjs", "cjs", "html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt",
    "swf", "wasm", "hta", "mht", "mhtml", // Run by the operating system.
    "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "dll", "jar", "vbs", "vbe",
    "jse", "wsf", "wsh", "ps1", "psm1", "sh", "bash", "apk", "app", "dmg", "lnk", "reg", "php",
    "py", "pl", "rb", "cgi", "asp", "aspx", "jsp",
];

/// The file name's extension, lowercase (`""` when it has none).
fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Media types that run in a browser whatever the file is called.
fn executable_type(claimed: &str) -> bool {
    let t = claimed
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Exact types and the `+xml` family (SVG, XHTML); the Office formats'
    // `vnd.openxmlformats-…` names contain "xml" but are not run.
    matches!(
        t.as_str(),
        "text/html"
            | "text/xml"
            | "application/xml"
            | "text/xsl"
            | "application/wasm"
            | "application/x-msdownload"
            | "application/x-sh"
            | "application/x-shockwave-flash"
            | "application/hta"
    ) || t.ends_with("javascript")
        || t.ends_with("ecmascript")
        || t.ends_with("+xml")
}

/// Checks an upload and returns the type it will be stored and served with:
/// an executable extension or claimed type is refused; an allow-listed
/// extension gives its type; anything else is `application/octet-stream`.
pub fn accept(file_name: &str, claimed: Option<&str>) -> Result<&'static str, DocumentError> {
    let ext = extension(file_name);
    if EXECUTABLE.contains(&ext.as_str()) || claimed.is_some_and(executable_type) {
        return Err(DocumentError::Executable);
    }
    Ok(served_type(file_name))
}

/// The type a stored document is served with, from its name alone: what was
/// stored before this rule existed (an uploader's claim) is not believed.
pub fn served_type(file_name: &str) -> &'static str {
    let ext = extension(file_name);
    SAFE_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_pages_are_refused() {
        for name in [
            "a.js",
            "A.HTML",
            "x.svg",
            "setup.exe",
            "run.ps1",
            "page.htm",
        ] {
            assert_eq!(accept(name, None), Err(DocumentError::Executable), "{name}");
        }
        assert_eq!(
            accept("notes.txt", Some("text/javascript")),
            Err(DocumentError::Executable)
        );
        assert_eq!(
            accept("photo.png", Some("image/svg+xml")),
            Err(DocumentError::Executable)
        );
    }

    #[test]
    fn types_come_from_the_allow_list() {
        assert_eq!(
            accept("bien-ban.pdf", Some("text/plain")),
            Ok("application/pdf")
        );
        assert_eq!(accept("anh.JPG", None), Ok("image/jpeg"));
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert_eq!(accept("bao-cao.docx", Some(docx)), Ok(docx));
        assert_eq!(
            accept("data.bin", Some("application/x-custom")),
            Ok("application/octet-stream")
        );
        assert_eq!(accept("no-extension", None), Ok("application/octet-stream"));
        // A document stored earlier under a claimed type is served by name.
        assert_eq!(served_type("old.js"), "application/octet-stream");
        assert_eq!(served_type("ghi-chu.txt"), "text/plain");
    }
}

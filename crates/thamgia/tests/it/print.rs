//! Documents that print: every export is rendered by LibreOffice to PDF and
//! read back with pdftotext. No number or date is split across lines, the
//! signer's name shares a page with the signer's title, no page is left
//! blank at the end, no internal code shows where a name belongs, and wide
//! workbooks print one page wide with their header row on every page.
//! Where LibreOffice or pdftotext is missing the test is reported ignored by
//! the harness (failed under CI), never passed.

use crate::db_test;
use crate::helpers::{Answer, TestApp, document_xml, temp_dir};
use crate::plain_test;
use std::process::Command;
use thamgia_office::{Cell, read_xlsx};

/// The pages of a document as pdftotext reads them (layout kept), or `None`
/// outside CI when the tools are missing (a test that cannot do without them
/// declares `needs = ["libreoffice", "pdftotext"]`, and is then ignored).
pub(crate) fn pdf_pages(bytes: &[u8], ext: &str) -> Option<Vec<String>> {
    if !crate::harness::have("libreoffice") || !crate::harness::have("pdftotext") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "LibreOffice (libreoffice-writer-nogui, libreoffice-calc-nogui) and pdftotext \
             (poppler-utils) are needed to check how documents print"
        );
        eprintln!("LibreOffice or pdftotext not installed: printing NOT checked");
        return None;
    }
    let dir = temp_dir();
    let input = dir.0.join(format!("tai-lieu.{ext}"));
    std::fs::write(&input, bytes).expect("write");
    let profile = dir.0.join("profile");
    let pdf = dir.0.join("tai-lieu.pdf");
    // LibreOffice now and then aborts while it creates a fresh profile; a
    // second start finds the profile made. A document it cannot convert
    // fails all three attempts.
    let mut failures = vec![];
    for _ in 0..3 {
        let out = Command::new("libreoffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.to_str().expect("path")
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir.0)
            .arg(&input)
            .output()
            .expect("run libreoffice");
        if pdf.exists() {
            break;
        }
        failures.push(format!(
            "{} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    assert!(pdf.exists(), "no PDF after 3 attempts: {failures:?}");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success(), "pdftotext");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// Numbers of four or more digits written with thousands separators
/// ("120.000.000") and dates ("02/07/2018") in a text.
fn numbers_and_dates(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], '.' | '/')) {
                j += 1;
            }
            let token: String = chars[i..j].iter().collect();
            let token = token.trim_end_matches(['.', '/']).to_string();
            let is_date = token.len() == 10 && token.matches('/').count() == 2;
            let is_big = token.contains('.')
                && token.split('.').skip(1).all(|g| g.len() == 3)
                && token
                    .split('.')
                    .next()
                    .is_some_and(|g| (1..=3).contains(&g.len()));
            if is_date || is_big {
                out.push(token);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Every number and date of the document stands whole on one line.
fn none_split(what: &str, values: &[String], pages: &[String]) {
    let lines: Vec<&str> = pages.iter().flat_map(|p| p.lines()).collect();
    for v in values {
        assert!(
            lines.iter().any(|l| l.contains(v.as_str())),
            "{what}: {v} is split across lines"
        );
    }
}

fn docx_text(docx: &[u8]) -> String {
    let xml = document_xml(docx);
    // The text of the runs, each run's text apart.
    xml.split("<w:t")
        .skip(1)
        .filter_map(|s| s.split_once('>').map(|(_, r)| r))
        .filter_map(|s| s.split_once("</w:t>").map(|(t, _)| t))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A report as a clerk prints it: figures whole, the signature on one page
/// with its last lines of text, nothing blank at the end, names not codes,
/// the number and date as the report's state allows.
fn check_report(what: &str, docx: &[u8], signer_name: &str, signer_last: &str) -> Vec<String> {
    let Some(pages) = pdf_pages(docx, "docx") else {
        return vec![];
    };
    let text = docx_text(docx);
    none_split(what, &numbers_and_dates(&text), &pages);
    let last = pages.last().expect("a page");
    assert!(
        last.lines().filter(|l| !l.trim().is_empty()).count() > 2,
        "{what}: the last page is (nearly) blank: {last:?}"
    );
    if !signer_name.is_empty() {
        let page = pages
            .iter()
            .find(|p| p.contains(signer_name))
            .unwrap_or_else(|| panic!("{what}: no signer {signer_name}"));
        assert!(
            page.contains(signer_last),
            "{what}: {signer_name} without {signer_last} on its page: {page}"
        );
    }
    let all = pages.join("\n");
    for code in [
        "central",
        "domestic_donors",
        "foreign_donors",
        "report-standing",
    ] {
        assert!(!all.contains(code), "{what}: shows the code {code}");
    }
    pages
}

/// A workbook prints one page wide with its header on every page, and no
/// number is cut (`###`) or broken across lines.
fn check_workbook(what: &str, xlsx: &[u8]) {
    let Some(pages) = pdf_pages(xlsx, "xlsx") else {
        return;
    };
    let all = pages.join("\n");
    assert!(
        !all.contains("###"),
        "{what}: a number does not fit its column"
    );
    // Whole numbers of four digits or more, whatever separator the printer's
    // locale uses: found whole on one line once separators are dropped.
    let lines: Vec<String> = all.lines().map(|l| l.replace([',', '.'], "")).collect();
    let sheets = read_xlsx(xlsx).expect("xlsx");
    for s in &sheets {
        for r in &s.rows {
            for c in &r.cells {
                if let Cell::Number(n) = c
                    && n.fract() == 0.0
                    && n.abs() >= 1000.0
                    && n.abs() < 1e12
                {
                    let digits = format!("{}", n.abs() as i64);
                    // Dates are numbers too: they print as dd/mm/yyyy, checked below.
                    if (20_000..60_000).contains(&(n.abs() as i64)) {
                        continue;
                    }
                    assert!(
                        lines.iter().any(|l| l.contains(&digits)),
                        "{what}: {digits} ({}) is split or missing",
                        s.name
                    );
                }
            }
        }
    }
    none_split(
        what,
        &numbers_and_dates(&all)
            .into_iter()
            .filter(|t| t.contains('/'))
            .collect::<Vec<_>>(),
        &pages,
    );
    // Printed one page wide with the header row repeated: every page shows
    // the first column's header of its sheet (a page of right-hand columns
    // alone, or a continuation page without its header, would not).
    let firsts: Vec<String> = sheets
        .iter()
        .filter_map(|s| s.rows.first().map(|r| r.get(0).text()))
        .filter(|h| !h.is_empty())
        .collect();
    for (i, p) in pages.iter().enumerate() {
        assert!(
            firsts.iter().any(|h| p.contains(h.as_str())),
            "{what}: page {} shows no sheet's header {firsts:?}: {p}",
            i + 1
        );
    }
}

/// A draft's first page: no number before its symbol, no date after "ngày".
fn undated_and_unnumbered(first: &str) {
    let no_number = first
        .match_indices("/BC-")
        .all(|(i, _)| !first[..i].ends_with(|c: char| c.is_ascii_digit()));
    assert!(no_number, "a draft has no number: {first}");
    let no_date = first.match_indices("ngày").all(|(i, _)| {
        !first[i + "ngày".len()..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
    });
    assert!(no_date, "a draft is not dated: {first}");
}

async fn every_export_prints(app: TestApp) {
    let token = app.token("coordinator").await;
    // An approved district report: its number under the committee's symbol
    // (typed with another), its date, and a deputy who signs for the chair;
    // a long last paragraph pushes the signature towards the page's end.
    let district = app.token("district108").await;
    let proposals = "Đề nghị tỉnh bổ sung kinh phí tập huấn cho cán bộ cấp xã. ".repeat(12);
    app.api_put(
        &district,
        "/api/v1/reports/108/2019",
        &serde_json::json!({"results": "Các hoạt động được triển khai đúng kế hoạch.",
                "doc_number": "15/BC-SLDTBXH", "place": "Sìn Hồ",
                "signer_title": "Phó Chủ tịch UBND", "signer_name": "Lò Văn Thử",
                "proposals": proposals}),
    )
    .await
    .expect_status(200);
    app.approve_report("district108", "108", 2019).await;
    let approved = app
        .download_ok(&token, "/api/v1/reports/108/2019/export?format=docx")
        .await;
    if let Some(pages) = pdf_pages(&approved, "docx") {
        let all = pages.join("\n");
        for want in [
            "Số: 15/BC-UBND",
            "Sìn Hồ, ngày",
            "TM. ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
        ] {
            assert!(all.contains(want), "108/2019 says {want:?}: {}", pages[0]);
        }
    }
    check_report("108/2019", &approved, "Lò Văn Thử", "PHÓ CHỦ TỊCH");
    let draft = app
        .download_ok(&token, "/api/v1/reports/106/2018/export?format=docx")
        .await;
    let pages = check_report("106/2018", &draft, "", "");
    if let Some(first) = pages.first() {
        undated_and_unnumbered(first);
    }
    let province = app
        .download_ok(&token, "/api/v1/reports/12/2018/export?format=docx")
        .await;
    check_report("12/2018", &province, "", "");
    for (what, path) in [
        ("12/2018.xlsx", "/api/v1/reports/12/2018/export?format=xlsx"),
        (
            "indicators.xlsx",
            "/api/v1/indicators/export?unit=12&year=2018&format=xlsx",
        ),
        ("activities.xlsx", "/api/v1/exports/activities.xlsx"),
        ("funding.xlsx", "/api/v1/exports/funding.xlsx"),
        ("template.xlsx", "/api/v1/imports/template.xlsx"),
    ] {
        let xlsx = app.download_ok(&token, path).await;
        check_workbook(what, &xlsx);
    }
}
db_test!(every_export_prints, needs = ["libreoffice", "pdftotext"]);

fn numbers_and_dates_are_found() {
    assert_eq!(
        numbers_and_dates("Chi 120.000.000 đồng ngày 02/07/2018, 12 em, năm 2018."),
        vec!["120.000.000", "02/07/2018"]
    );
}
plain_test!(numbers_and_dates_are_found);

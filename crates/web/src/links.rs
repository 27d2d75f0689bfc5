//! Addresses of pages that other pages and the API answers link to, built in
//! one place so that a link and its route cannot drift apart.

/// Where the records behind a figure of the dashboard are listed.
pub fn records_href(unit: &str, year: i32, code: &str) -> String {
    format!("/dashboard/records?unit={unit}&year={year}&code={code}")
}

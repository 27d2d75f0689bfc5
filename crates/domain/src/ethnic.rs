//! Vietnam's 54 recognised ethnic groups with their official codes
//! (data/ethnic-groups.csv), and which of them live as communities in the
//! province being served, so forms can list those first.

/// One ethnic group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthnicGroup {
    pub code: &'static str,
    pub name_vi: &'static str,
    /// The name in English writing (the CSV's fourth column): the
    /// Vietnamese name without diacritics, or the group's common English
    /// name (Hmong, Khmer, Jarai, …).
    pub name_en: &'static str,
    /// Lives as a community in Lai Châu (the CSV's third column).
    pub local: bool,
}

const CSV: &str = include_str!("../data/ethnic-groups.csv");

/// The 54 groups, read from the file once.
static GROUPS: std::sync::LazyLock<Vec<EthnicGroup>> = std::sync::LazyLock::new(|| {
    CSV.lines()
        .skip(1)
        .filter_map(|l| {
            let mut it = l.split(',');
            let code = it.next()?.trim();
            let name_vi = it.next()?.trim();
            let local = it.next().is_some_and(|s| s.trim() == "yes");
            let name_en = it.next().map_or(name_vi, str::trim);
            (!code.is_empty()).then_some(EthnicGroup {
                code,
                name_vi,
                name_en,
                local,
            })
        })
        .collect()
});

/// All 54 groups in official-code order.
pub fn all() -> Vec<EthnicGroup> {
    GROUPS.clone()
}

/// The groups with the province's own communities first, each part in code order.
pub fn local_first() -> Vec<EthnicGroup> {
    let mut v = all();
    v.sort_by_key(|g| (!g.local, g.code));
    v
}

pub fn codes() -> Vec<&'static str> {
    GROUPS.iter().map(|g| g.code).collect()
}

/// One group by its official code.
pub fn group(code: &str) -> Option<&'static EthnicGroup> {
    GROUPS.iter().find(|g| g.code == code)
}

pub fn name(code: &str) -> Option<&'static str> {
    group(code).map(|g| g.name_vi)
}

/// The group's English name.
pub fn name_en(code: &str) -> Option<&'static str> {
    group(code).map(|g| g.name_en)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fifty_four_groups_local_first() {
        let all = super::all();
        assert_eq!(all.len(), 54);
        let lf = super::local_first();
        assert_eq!(lf[0].name_vi, "Kinh");
        assert!(lf[..14].iter().all(|g| g.local));
        assert_eq!(super::name("08"), Some("Mông"));
        assert_eq!(super::name_en("08"), Some("Hmong"));
        assert!(
            all.iter()
                .all(|g| !g.name_en.is_empty() && g.name_en.is_ascii())
        );
    }
}

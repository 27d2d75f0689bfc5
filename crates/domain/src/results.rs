//! Results of a consultation, already suppressed: counts and percentages per
//! question, broken down by age band, sex, ethnic group, disability and unit.
//!
//! [`compute`] is the only way to turn responses into numbers that anyone
//! sees. Its output carries no count of 1–4 children: such a cell is
//! `{"count": null, "suppressed": true, "percent": null}` ("<5" on a page), and
//! a whole group (a breakdown row, a question, the consultation) whose total is
//! 1–4 has every cell suppressed, zeros included (a zero among three children
//! tells something about the other cells). Pages, the API and later exports
//! all serialise this one structure, so none of them can show a small cell.
//!
//! Hiding a small cell is not enough beside its total: with 20 answers split
//! 17 and 3, the 3 would be 20 − 17. Every table here therefore goes through
//! [`crate::suppression`] (complementary suppression): the sources and each
//! profile breakdown as one-way tables with their total, the options of a
//! question with the number who answered, and each answer × group table with
//! its group totals and option counts as a two-way table. A group total hidden
//! in one table of a dimension is hidden (and protected) in every table of
//! that dimension where it has the same value, so the profile and the
//! questions cannot be read against each other.
//! Percentages of a row whose total is hidden are not shown (they would give
//! the total back).
//!
//! Group discussions are entered as tallies (how many children chose each
//! option); their counts add to the overall figures but, having no per-child
//! profile, to no breakdown.
//!
//! The same file holds the small pure rules of moderation and of the answer
//! back to the children (which decision may follow which, field limits).

use crate::suppression;
use crate::voice::{FieldErrors, Moderation, QuestionKind, SUPPRESS_BELOW, Sex, Source, suppress};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A question with its options, as results need it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionIn {
    pub id: i32,
    pub kind: QuestionKind,
    pub text_vi: String,
    pub text_en: Option<String>,
    pub options: Vec<OptionIn>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OptionIn {
    pub id: i32,
    pub label_vi: String,
    pub label_en: Option<String>,
    pub emoji: Option<String>,
}

/// A unit named by a response's profile (a school or commune).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRef {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// One child's response: profile and stored answer rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResponseIn {
    pub source: Option<Source>,
    pub age: Option<u8>,
    pub sex: Option<Sex>,
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    pub unit: Option<UnitRef>,
    pub answers: Vec<AnswerIn>,
}

/// One stored answer row (a choice, a ranking position, a face, or a text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerIn {
    pub question_id: i32,
    pub option_id: Option<i32>,
    /// Ranking position (1 = first) or face (1..=5).
    pub value: Option<i32>,
    pub text: Option<String>,
    pub moderation: Option<Moderation>,
    pub redacted: bool,
}

/// A group discussion entered as one tally.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TallyIn {
    pub girls: u64,
    pub boys: u64,
    pub age_6_10: u64,
    pub age_11_15: u64,
    /// (option id, children who chose it).
    pub counts: Vec<(i32, u64)>,
}

impl TallyIn {
    /// Children in the group: the larger of the two ways it was counted.
    pub fn children(&self) -> u64 {
        (self.girls + self.boys).max(self.age_6_10 + self.age_11_15)
    }
}

/// A number as anyone may see it. `count` is `None` exactly when `suppressed`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub count: Option<u64>,
    pub suppressed: bool,
    /// Share of the cell's base in percent, one decimal; `None` when the cell
    /// or its base is suppressed, or the base is 0.
    pub percent: Option<f64>,
}

impl Cell {
    /// A count alone (no base), suppressed when 1–4.
    pub fn of(n: u64) -> Cell {
        match suppress(n) {
            Some(n) => Cell {
                count: Some(n),
                suppressed: false,
                percent: None,
            },
            None => Cell::hidden(),
        }
    }

    /// A count and its share of `base`, which must itself be showable (0 or ≥ 5).
    fn share(n: u64, base: u64) -> Cell {
        if base > 0 && base < SUPPRESS_BELOW {
            return Cell::hidden();
        }
        match suppress(n) {
            Some(n) => Cell {
                count: Some(n),
                suppressed: false,
                percent: (base > 0).then(|| percent(n, base)),
            },
            None => Cell::hidden(),
        }
    }

    pub fn hidden() -> Cell {
        Cell {
            count: None,
            suppressed: true,
            percent: None,
        }
    }
}

/// `n / base` in percent with one decimal.
pub fn percent(n: u64, base: u64) -> f64 {
    if base == 0 {
        0.0
    } else {
        (n as f64 * 1000.0 / base as f64).round() / 10.0
    }
}

/// The ways results are broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    AgeBand,
    Sex,
    Ethnic,
    Disability,
    Unit,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::AgeBand,
        Dimension::Sex,
        Dimension::Ethnic,
        Dimension::Disability,
        Dimension::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::AgeBand => "age_band",
            Dimension::Sex => "sex",
            Dimension::Ethnic => "ethnic",
            Dimension::Disability => "disability",
            Dimension::Unit => "unit",
        }
    }
}

/// The key of the group of children who did not give this part of their profile.
pub const NOT_GIVEN: &str = "not_given";

/// A group's key in a dimension: `6-10`, `girl`, `08`, `yes`, a unit code or
/// [`NOT_GIVEN`].
fn group_key(r: &ResponseIn, d: Dimension) -> String {
    let ng = || NOT_GIVEN.to_string();
    match d {
        Dimension::AgeBand => match r.age.and_then(|a| crate::voice::Age::parse(i64::from(a))) {
            Some(a) => a.band().as_str().to_string(),
            None => ng(),
        },
        Dimension::Sex => r.sex.map_or_else(ng, |s| s.as_str().to_string()),
        Dimension::Ethnic => r.ethnic.clone().unwrap_or_else(ng),
        Dimension::Disability => match r.disability {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => ng(),
        },
        Dimension::Unit => r.unit.as_ref().map_or_else(ng, |u| u.code.clone()),
    }
}

/// The name of a group that is a record (ethnic group, unit); closed lists are
/// named by the reader's catalog.
fn group_name(r: &ResponseIn, d: Dimension) -> Option<(String, String)> {
    match d {
        Dimension::Ethnic => r
            .ethnic
            .as_deref()
            .and_then(crate::ethnic::name)
            .map(|n| (n.to_string(), n.to_string())),
        Dimension::Unit => r
            .unit
            .as_ref()
            .map(|u| (u.name_vi.clone(), u.name_en.clone())),
        _ => None,
    }
}

/// The order groups are listed in: fixed for closed lists, by code otherwise;
/// "not given" last.
fn group_order(d: Dimension, key: &str) -> (u8, String) {
    let fixed = |keys: &[&str]| keys.iter().position(|k| *k == key).map_or(9, |i| i as u8);
    match (d, key) {
        (_, NOT_GIVEN) => (10, String::new()),
        (Dimension::AgeBand, k) => (fixed(&["6-10", "11-15"]), k.to_string()),
        (Dimension::Sex, k) => (fixed(&["girl", "boy", "other"]), k.to_string()),
        (Dimension::Disability, k) => (fixed(&["yes", "no"]), k.to_string()),
        (_, k) => (0, k.to_string()),
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub key: String,
    /// The record's name (ethnic group, unit); closed lists are named by the reader's catalog.
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    /// Children of the group who answered; its percent is of all who answered.
    pub total: Cell,
    /// `true` when the group has 1–4 children: every cell is hidden.
    pub suppressed: bool,
    /// In the order of the question's options (faces: 1..=n); percents are of the group's total.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    pub dimension: Dimension,
    pub groups: Vec<Group>,
}

/// One option of a question (or one face of a face scale) with its count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionResult {
    pub option_id: Option<i32>,
    /// For face scales: the face, 1 (sad) ..= n (happy).
    pub face: Option<u8>,
    pub label_vi: String,
    pub label_en: Option<String>,
    pub emoji: Option<String>,
    /// Children who chose it (ranking: who ranked it first); percent of those who answered.
    pub cell: Cell,
    /// Ranking only: the mean position (1 = first) over individual answers,
    /// `None` when fewer than 5 children ranked.
    pub mean_rank: Option<f64>,
}

/// A free-text answer a moderator approved (possibly redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextOut {
    pub text: String,
    pub redacted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub question_id: i32,
    pub kind: QuestionKind,
    pub text_vi: String,
    pub text_en: Option<String>,
    /// Children who answered the question (text: the number of texts written).
    pub answered: Cell,
    /// Of `answered`, how many came from group tallies (no breakdown for them).
    pub from_groups: Cell,
    pub options: Vec<OptionResult>,
    /// Text questions: approved texts only, never pending, rejected or flagged ones.
    pub texts: Vec<TextOut>,
    /// Individual answers only (online and paper): group tallies have no per-child profile.
    pub breakdowns: Vec<Breakdown>,
}

/// How the answers came in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sources {
    pub online: Cell,
    pub paper: Cell,
    /// Children in group discussions (tallies and group-entered responses).
    pub group: Cell,
    /// Number of group discussions entered (not children: not suppressed).
    pub group_discussions: u64,
}

/// A consultation's results, safe to show to anyone allowed to see results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Cells under this many children are suppressed.
    pub suppress_below: u64,
    /// Children who took part (individual responses and group tallies).
    pub children: Cell,
    pub sources: Sources,
    /// Who answered individually, by each dimension (group totals only).
    pub profile: Vec<Breakdown>,
    pub questions: Vec<QuestionResult>,
}

/// A group's key and, for records, its names (vi, en).
type Named = (String, Option<(String, String)>);
/// Per dimension, the groups present.
type Groups = Vec<(Dimension, Vec<Named>)>;

/// The one place counts become visible numbers. See the module comment.
pub fn compute(questions: &[QuestionIn], responses: &[ResponseIn], tallies: &[TallyIn]) -> Results {
    let mut online = 0;
    let mut paper = 0;
    let mut group_forms = 0;
    for r in responses {
        match r.source {
            Some(Source::Paper) => paper += 1,
            Some(Source::Group) => group_forms += 1,
            _ => online += 1,
        }
    }
    let in_tallies = tallies.iter().map(TallyIn::children).sum::<u64>();
    let group = group_forms + in_tallies;
    let individual = responses.len() as u64;
    let children = individual + in_tallies;

    // Each response's group in each dimension, computed once.
    let keys: Vec<[String; 5]> = responses
        .iter()
        .map(|r| Dimension::ALL.map(|d| group_key(r, d)))
        .collect();
    // Groups present in the consultation, per dimension, in display order.
    let groups: Groups = Dimension::ALL
        .iter()
        .enumerate()
        .map(|(di, d)| {
            let mut seen: BTreeMap<(u8, String), Named> = BTreeMap::new();
            for (r, k) in responses.iter().zip(&keys) {
                seen.entry(group_order(*d, &k[di]))
                    .or_insert_with(|| (k[di].clone(), group_name(r, *d)));
            }
            (*d, seen.into_values().collect())
        })
        .collect();

    // Group sizes of the profile, per dimension.
    let sizes: Vec<Vec<u64>> = groups
        .iter()
        .enumerate()
        .map(|(di, (_, gs))| {
            gs.iter()
                .map(|(k, _)| keys.iter().filter(|ks| ks[di] == *k).count() as u64)
                .collect()
        })
        .collect();
    // What is hidden grows until every table agrees: a group's total hidden
    // in one table is hidden (and protected) in every table of the dimension
    // where it has the same value, so the profile and the questions cannot be
    // read against each other; a question's total that must be hidden hides
    // the children who took part (or those who answered individually) when
    // it is the same number. Hidden only grows, so this ends.
    let mut hidden_groups: HiddenTotals = sizes
        .iter()
        .map(|ns| vec![BTreeSet::new(); ns.len()])
        .collect();
    let (mut c_forced, mut i_forced) = (false, false);
    let counts = Counts {
        online,
        paper,
        group_forms,
        in_tallies,
        discussions: tallies.len(),
    };
    let top = loop {
        let before = (hidden_groups.clone(), c_forced, i_forced);
        let forced: Vec<Vec<bool>> = sizes
            .iter()
            .enumerate()
            .map(|(di, ns)| forced_by(&hidden_groups, di, ns))
            .collect();
        let top = who_took_part(&counts, &sizes, &forced, c_forced, i_forced);
        for ((all, ns), hidden) in hidden_groups.iter_mut().zip(&sizes).zip(&top.profile) {
            for ((a, n), h) in all.iter_mut().zip(ns).zip(hidden) {
                if *h {
                    a.insert(*n);
                }
            }
        }
        let view = View {
            children,
            children_hidden: top.children,
            individual,
            individual_hidden: top.individual,
        };
        for q in questions {
            let out = question_result(q, responses, &keys, tallies, &groups, &hidden_groups, &view);
            for (all, mine) in hidden_groups.iter_mut().zip(out.hidden_totals) {
                for (a, m) in all.iter_mut().zip(mine) {
                    a.extend(m);
                }
            }
            c_forced |= out.answered_hidden && out.answered == children && children > 0;
            i_forced |= out.individual_hidden && out.individual == individual && individual > 0;
        }
        if (hidden_groups.clone(), c_forced, i_forced) == before {
            break (top, view);
        }
    };
    let (top, view) = top;
    let profile = groups
        .iter()
        .zip(&sizes)
        .zip(&hidden_groups)
        .map(|(((d, gs), ns), hidden)| Breakdown {
            dimension: *d,
            groups: gs
                .iter()
                .zip(ns)
                .zip(hidden)
                .map(|(((k, name), n), h)| {
                    let base = (!top.individual).then_some(individual);
                    group_row(k, name, *n, base, h.contains(n), vec![])
                })
                .collect(),
        })
        .collect();

    let questions = questions
        .iter()
        .map(|q| {
            question_result(q, responses, &keys, tallies, &groups, &hidden_groups, &view).result
        })
        .collect();
    let shown = |hidden: bool, n: u64| {
        if hidden { Cell::hidden() } else { Cell::of(n) }
    };
    Results {
        suppress_below: SUPPRESS_BELOW,
        children: shown(top.children, children),
        sources: Sources {
            online: shown(top.online, online),
            paper: shown(top.paper, paper),
            group: shown(top.group, group),
            group_discussions: tallies.len() as u64,
        },
        profile,
        questions,
    }
}

/// The children of a consultation, by how they took part.
struct Counts {
    online: u64,
    paper: u64,
    /// Responses entered one by one for a group discussion.
    group_forms: u64,
    /// Children counted in group tallies (no profile).
    in_tallies: u64,
    /// Group tallies entered (shown: not a count of children).
    discussions: usize,
}

/// What the top of the results hides.
struct Top {
    children: bool,
    /// Those who answered individually (online, paper, group forms): the
    /// base of the profile's percentages, and `children` less the tallies.
    individual: bool,
    online: bool,
    paper: bool,
    /// Children in group discussions (group forms and tallies together).
    group: bool,
    /// Per dimension, the profile's groups hidden.
    profile: Vec<Vec<bool>>,
}

/// The totals a question's tables are read beside.
struct View {
    children: u64,
    children_hidden: bool,
    individual: u64,
    individual_hidden: bool,
}

/// Who took part, as the view shows it: the children `C` by source (online,
/// paper, in group discussions `G`) and, for the tallies' children `T` (no
/// profile) to stay hidden when small, the same children as those who
/// answered individually `I` plus `T`; then `I` by source (online, paper,
/// group forms) and by each part of the profile. A small `T` hides `C`. The first two breakdowns
/// share `C`, the others `I` ([`suppression::breakdowns`]); `G` is the group
/// forms plus `T`, so it is hidden whenever exactly one of them is (it would
/// give the other back), and the online and paper counts hidden in one
/// family are hidden in the other. Hidden only grows, so this ends.
fn who_took_part(
    k: &Counts,
    sizes: &[Vec<u64>],
    forced_profile: &[Vec<bool>],
    c_forced: bool,
    i_forced: bool,
) -> Top {
    use suppression::{Total, breakdowns};
    let i = k.online + k.paper + k.group_forms;
    let t = k.in_tallies;
    let c = i + t;
    let g = k.group_forms + t;
    let (mut fo, mut fp, mut fg) = (false, false, false);
    // Tallies of 1–4 children: C = I + T would give them back. Hiding C
    // costs the least (its line and the totals equal to it); hiding I would
    // take a group out of every breakdown of the profile and every question.
    let small_tallies = k.discussions > 0 && t > 0 && t < SUPPRESS_BELOW;
    let (mut c_hidden, mut i_hidden) = (c_forced || small_tallies, i_forced);
    let mut guard = 0;
    loop {
        guard += 1;
        let c_total = if c_hidden {
            Total::Hidden {
                lo: 0,
                hi: u64::MAX,
            }
        } else {
            Total::Shown
        };
        // The children who took part: by source, and as I + T.
        let (d, e_i, e_t, c_out) = if k.discussions == 0 {
            // No tallies: I is C.
            let w = breakdowns(&[vec![k.online, k.paper, g]], &[vec![fo, fp, fg]], c_total);
            let d = w.tables[0].cells.clone();
            (d, w.total, false, w.total)
        } else {
            let w = breakdowns(
                &[vec![k.online, k.paper, g], vec![i, t]],
                &[vec![fo, fp, fg], vec![i_hidden, false]],
                c_total,
            );
            let e = &w.tables[1].cells;
            (w.tables[0].cells.clone(), e[0], e[1], w.total)
        };
        // What the reader knows of I from the line above it.
        let i_total = if !e_i {
            Total::Shown
        } else if !c_out && k.discussions > 0 {
            let (tl, th) = if t > 0 && t < SUPPRESS_BELOW {
                (1, SUPPRESS_BELOW - 1)
            } else {
                (0, c)
            };
            Total::Hidden {
                lo: c.saturating_sub(th),
                hi: c.saturating_sub(tl),
            }
        } else {
            Total::Hidden {
                lo: 0,
                hi: u64::MAX,
            }
        };
        let mut tables = vec![vec![k.online, k.paper, k.group_forms]];
        tables.extend(sizes.iter().cloned());
        let mut forced = vec![vec![d[0], d[1], d[2] && !e_t]];
        forced.extend(forced_profile.iter().cloned());
        let fam = breakdowns(&tables, &forced, i_total);
        let mut again = false;
        if fam.total && !e_i {
            i_hidden = true;
            again = true;
        }
        if fam.tight && !c_out {
            c_hidden = true;
            again = true;
        }
        let src = &fam.tables[0].cells;
        if src[0] && !d[0] {
            fo = true;
            again = true;
        }
        if src[1] && !d[1] {
            fp = true;
            again = true;
        }
        if src[2] != e_t && !d[2] {
            fg = true;
            again = true;
        }
        if !again || guard > 64 {
            return Top {
                children: c_out,
                individual: e_i || fam.total,
                online: d[0] || src[0],
                paper: d[1] || src[1],
                group: d[2] || src[2] != e_t,
                profile: fam.tables[1..].iter().map(|w| w.cells.clone()).collect(),
            };
        }
    }
}

/// Per dimension, per group: the values its total is hidden at somewhere.
type HiddenTotals = Vec<Vec<BTreeSet<u64>>>;

/// The groups of dimension `di` whose total `ns[i]` is hidden elsewhere.
fn forced_by(hidden: &HiddenTotals, di: usize, ns: &[u64]) -> Vec<bool> {
    ns.iter()
        .enumerate()
        .map(|(i, n)| {
            hidden
                .get(di)
                .and_then(|d| d.get(i))
                .is_some_and(|vals| vals.contains(n))
        })
        .collect()
}

/// Which cells of an answer × group table are hidden: `rows` (group totals),
/// `cells`, `cols` (the options' counts). Single choices and faces add up both
/// ways (one answer per child): a two-way table. Multiple choices and
/// rankings add up only down the columns (each child is in one group): each
/// column, and the group totals, as one-way tables.
struct Mask {
    rows: Vec<bool>,
    cells: Vec<Vec<bool>>,
    cols: Vec<bool>,
    /// The grand total (those who answered individually) must be hidden.
    total: bool,
}

fn mask(
    totals: &[u64],
    cells: &[Vec<u64>],
    slots: usize,
    both_ways: bool,
    forced: (&[bool], &[bool], bool),
) -> Mask {
    let (forced_rows, forced_cols, total_forced) = forced;
    if both_ways && slots > 0 {
        let w = suppression::two_way_hiding(cells, forced_rows, forced_cols, total_forced);
        return Mask {
            rows: w.rows,
            cells: w.cells,
            cols: w.cols,
            total: w.total,
        };
    }
    let by_group = if total_forced {
        let total = suppression::Total::Hidden {
            lo: 0,
            hi: u64::MAX,
        };
        let w = suppression::breakdowns(&[totals.to_vec()], &[forced_rows.to_vec()], total);
        w.tables.into_iter().next().unwrap_or(suppression::OneWay {
            cells: vec![],
            total: true,
        })
    } else {
        suppression::one_way_with(totals, forced_rows)
    };
    let mut m = Mask {
        cells: by_group.cells.iter().map(|_| vec![false; slots]).collect(),
        rows: by_group.cells,
        cols: vec![false; slots],
        total: by_group.total,
    };
    for j in 0..slots {
        let col: Vec<u64> = cells.iter().map(|c| c[j]).collect();
        let w = if forced_cols.get(j).copied().unwrap_or(false) {
            // The option's count is hidden: the column adds up to nothing
            // shown, only its small cells are hidden.
            suppression::OneWay {
                cells: col.iter().map(|n| suppress(*n).is_none()).collect(),
                total: false,
            }
        } else {
            suppression::one_way(&col)
        };
        m.cols[j] = w.total;
        for (i, h) in w.cells.into_iter().enumerate() {
            m.cells[i][j] |= h;
        }
    }
    for (i, t) in totals.iter().enumerate() {
        if suppress(*t).is_none() {
            m.cells[i].iter_mut().for_each(|h| *h = true);
        }
    }
    m
}

/// One row of a breakdown. `base`: what the group's percentage is of, `None`
/// when that is hidden. `hidden_total`: the group's total is hidden (small,
/// or a complement); then its cells show no percentage, which would give the
/// total back. `counts` carry their own hidden flag.
fn group_row(
    key: &str,
    name: &Option<(String, String)>,
    total: u64,
    base: Option<u64>,
    hidden_total: bool,
    counts: Vec<(u64, bool)>,
) -> Group {
    let small = total > 0 && total < SUPPRESS_BELOW;
    Group {
        key: key.to_string(),
        name_vi: name.as_ref().map(|n| n.0.clone()),
        name_en: name.as_ref().map(|n| n.1.clone()),
        total: if hidden_total || small {
            Cell::hidden()
        } else {
            // No percentage of a hidden base: it would give the base back.
            base.map_or_else(|| Cell::of(total), |b| Cell::share(total, b))
        },
        suppressed: small,
        cells: counts
            .into_iter()
            .map(|(n, hidden)| {
                if small || hidden {
                    Cell::hidden()
                } else if hidden_total {
                    Cell::of(n)
                } else {
                    Cell::share(n, total)
                }
            })
            .collect(),
    }
}

/// What one response says about one question: the index of every option
/// counted (choices, first rank, face) and, for rankings, each option's position.
struct Said {
    counted: Vec<usize>,
    ranks: Vec<(usize, i32)>,
    text: Option<(String, Option<Moderation>, bool)>,
}

fn said(q: &QuestionIn, r: &ResponseIn) -> Option<Said> {
    let rows: Vec<&AnswerIn> = r.answers.iter().filter(|a| a.question_id == q.id).collect();
    if rows.is_empty() {
        return None;
    }
    let mut s = Said {
        counted: vec![],
        ranks: vec![],
        text: None,
    };
    let index = |id: Option<i32>| id.and_then(|id| q.options.iter().position(|o| o.id == id));
    for a in rows {
        match q.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                if let Some(i) = index(a.option_id)
                    && !s.counted.contains(&i)
                {
                    s.counted.push(i);
                }
            }
            QuestionKind::Ranking => {
                if let (Some(i), Some(v)) = (index(a.option_id), a.value) {
                    s.ranks.push((i, v));
                    if v == 1 {
                        s.counted.push(i);
                    }
                }
            }
            QuestionKind::Faces3 | QuestionKind::Faces5 => {
                let n = i32::from(q.kind.faces().unwrap_or(5));
                if let Some(v) = a.value.filter(|v| (1..=n).contains(v)) {
                    s.counted.push(v as usize - 1);
                }
            }
            QuestionKind::Text => {
                if let Some(t) = a.text.as_ref().filter(|t| !t.trim().is_empty()) {
                    s.text = Some((t.clone(), a.moderation, a.redacted));
                }
            }
        }
    }
    let any = !s.counted.is_empty() || !s.ranks.is_empty() || s.text.is_some();
    any.then_some(s)
}

/// A question's results and what they tell the rest of the view.
struct QuestionOut {
    result: QuestionResult,
    /// Per dimension, the group totals this question's tables hide.
    hidden_totals: Vec<Vec<Option<u64>>>,
    answered: u64,
    answered_hidden: bool,
    /// Those who answered individually (answered less the groups').
    individual: u64,
    individual_hidden: bool,
}

fn question_result(
    q: &QuestionIn,
    responses: &[ResponseIn],
    keys: &[[String; 5]],
    tallies: &[TallyIn],
    groups: &Groups,
    hidden_totals: &HiddenTotals,
    view: &View,
) -> QuestionOut {
    let slots = match q.kind.faces() {
        Some(n) => usize::from(n),
        None if q.kind == QuestionKind::Text => 0,
        None => q.options.len(),
    };
    let answers: Vec<(&[String; 5], Said)> = responses
        .iter()
        .zip(keys)
        .filter_map(|(r, k)| said(q, r).map(|s| (k, s)))
        .collect();
    let mut counts = vec![0u64; slots];
    let mut rank_sum = vec![0i64; slots];
    let mut rankers = 0u64;
    for (_, s) in &answers {
        for i in &s.counted {
            counts[*i] += 1;
        }
        if !s.ranks.is_empty() {
            rankers += 1;
            for (i, v) in &s.ranks {
                rank_sum[*i] += i64::from(*v);
            }
        }
    }
    // Group tallies: their counts add to the options; the children who
    // answered are the tally's children (single choice: the sum of its counts).
    let mut from_groups = 0u64;
    // The groups' own counts per option: one more row of every answer ×
    // group table (never shown itself, but the options' counts hold it).
    let mut tally_cells = vec![0u64; slots];
    if q.kind.has_options() {
        for t in tallies {
            let mine: Vec<(usize, u64)> = t
                .counts
                .iter()
                .filter_map(|(id, n)| q.options.iter().position(|o| o.id == *id).map(|i| (i, *n)))
                .collect();
            if mine.iter().all(|(_, n)| *n == 0) {
                continue;
            }
            for (i, n) in &mine {
                counts[*i] += n;
                tally_cells[*i] += n;
            }
            let said_something = mine.iter().map(|(_, n)| *n);
            from_groups += match q.kind {
                QuestionKind::Single => said_something.sum(),
                _ => t.children().max(said_something.max().unwrap_or(0)),
            };
        }
    }
    let individual = answers.len() as u64;
    let answered = individual + from_groups;
    let small = answered > 0 && answered < SUPPRESS_BELOW;
    // The same number hidden elsewhere in the view is hidden here too.
    let total_forced = (view.children_hidden && answered == view.children)
        || (view.individual_hidden && individual == view.individual);
    // One answer per child: the options add up to those who answered.
    let both_ways = matches!(
        q.kind,
        QuestionKind::Single | QuestionKind::Faces3 | QuestionKind::Faces5
    );
    let width = if q.kind == QuestionKind::Text {
        0
    } else {
        slots
    };

    // Each answer × group table's counts.
    let counted: Vec<Vec<(u64, Vec<u64>)>> = groups
        .iter()
        .enumerate()
        .map(|(di, (_, gs))| {
            gs.iter()
                .map(|(k, _)| {
                    let mine: Vec<&Said> = answers
                        .iter()
                        .filter(|(ks, _)| ks[di] == *k)
                        .map(|(_, s)| s)
                        .collect();
                    let mut c = vec![0u64; width];
                    for s in &mine {
                        for i in &s.counted {
                            if let Some(x) = c.get_mut(*i) {
                                *x += 1;
                            }
                        }
                    }
                    (mine.len() as u64, c)
                })
                .collect()
        })
        .collect();
    // What is hidden: the tables and the options share the options' counts,
    // so each hides what the other hid (and protects it) until neither hides
    // more — it only grows, so this ends.
    let mut hidden_options = vec![small; slots];
    let mut hidden_tally = small;
    let tally_row: Vec<u64> = (0..width)
        .map(|j| tally_cells.get(j).copied().unwrap_or(0))
        .collect();
    let (masks, pinned) = loop {
        let before = (hidden_options.clone(), hidden_tally);
        let mut pinned = false;
        let masks: Vec<Mask> = counted
            .iter()
            .enumerate()
            .map(|(di, rows)| {
                // The groups, then the group discussions' row: the table's
                // columns then add up to the options' counts and its rows
                // to those who answered.
                // (A row of zeros tells nothing: left out.)
                let mut totals: Vec<u64> = rows.iter().map(|r| r.0).collect();
                let mut forced_rows = forced_by(hidden_totals, di, &totals);
                let mut cells: Vec<Vec<u64>> = rows.iter().map(|r| r.1.clone()).collect();
                if from_groups > 0 {
                    totals.push(from_groups);
                    forced_rows.push(hidden_tally);
                    cells.push(tally_row.clone());
                }
                let m = mask(
                    &totals,
                    &cells,
                    width,
                    both_ways,
                    (&forced_rows, &hidden_options, total_forced),
                );
                pinned |= m.total;
                m
            })
            .collect();
        for m in &masks {
            for (o, c) in hidden_options.iter_mut().zip(&m.cols) {
                *o |= *c;
            }
            if from_groups > 0 {
                hidden_tally |= m.rows.last().copied().unwrap_or(false);
            }
        }
        if !small && !total_forced {
            if both_ways {
                let w = suppression::one_way_with(&counts, &hidden_options);
                pinned |= w.total;
                for (o, h) in hidden_options.iter_mut().zip(w.cells) {
                    *o |= h;
                }
            } else {
                for (o, n) in hidden_options.iter_mut().zip(&counts) {
                    *o |= suppress(*n).is_none();
                }
            }
        }
        if (hidden_options.clone(), hidden_tally) == before {
            break (masks, pinned);
        }
    };
    let answered_hidden = small || pinned || total_forced;
    let from_groups_hidden = answered_hidden || hidden_tally;
    // Those who answered individually show as answered less the groups', or
    // as a breakdown whose group totals are all shown.
    let individual_hidden = from_groups_hidden
        && !small
        && !masks
            .iter()
            .zip(&counted)
            .any(|(m, rows)| m.rows.iter().take(rows.len()).all(|h| !h));
    // The totals this table hides, for the others; a question answered by
    // 1–4 children hides everything as one small group, nothing to protect.
    let own_hidden: Vec<Vec<Option<u64>>> = masks
        .iter()
        .zip(&counted)
        .map(|(m, rows)| {
            m.rows
                .iter()
                .zip(rows)
                .map(|(h, (n, _))| (*h && !small).then_some(*n))
                .collect()
        })
        .collect();
    let cell = |i: usize, n: u64| {
        if hidden_options.get(i).copied().unwrap_or(true) {
            Cell::hidden()
        } else if answered_hidden {
            // No percentage of a hidden total.
            Cell::of(n)
        } else {
            Cell::share(n, answered)
        }
    };

    let options = match q.kind.faces() {
        Some(n) => (1..=n)
            .map(|f| OptionResult {
                option_id: None,
                face: Some(f),
                label_vi: f.to_string(),
                label_en: None,
                emoji: None,
                cell: cell(usize::from(f) - 1, counts[usize::from(f) - 1]),
                mean_rank: None,
            })
            .collect(),
        None => q
            .options
            .iter()
            .enumerate()
            .filter(|_| q.kind != QuestionKind::Text)
            .map(|(i, o)| OptionResult {
                option_id: Some(o.id),
                face: None,
                label_vi: o.label_vi.clone(),
                label_en: o.label_en.clone(),
                emoji: o.emoji.clone(),
                cell: cell(i, counts[i]),
                mean_rank: (q.kind == QuestionKind::Ranking && rankers >= SUPPRESS_BELOW)
                    .then(|| (rank_sum[i] as f64 * 100.0 / rankers as f64).round() / 100.0),
            })
            .collect(),
    };

    let texts = answers
        .iter()
        .filter_map(|(_, s)| s.text.as_ref())
        .filter(|(_, m, _)| *m == Some(Moderation::Approved))
        .map(|(t, _, redacted)| TextOut {
            // Approval already stores the masked text; masking again here keeps
            // a phone number or e-mail out of every published view whatever
            // the row holds.
            text: crate::voice::mask_contacts(t),
            redacted: *redacted,
        })
        .collect();

    let breakdowns = masks
        .into_iter()
        .zip(counted)
        .zip(groups)
        .map(|((m, rows), (d, gs))| Breakdown {
            dimension: *d,
            groups: gs
                .iter()
                .zip(rows)
                .enumerate()
                .map(|(i, ((k, name), (total, c)))| {
                    let hidden = &m.cells[i];
                    let counts = c
                        .into_iter()
                        .enumerate()
                        .map(|(j, n)| (n, small || hidden.get(j).copied().unwrap_or(true)))
                        .collect();
                    let base = (!from_groups_hidden).then_some(individual);
                    group_row(k, name, total, base, small || m.rows[i], counts)
                })
                .collect(),
        })
        .collect();

    QuestionOut {
        result: QuestionResult {
            question_id: q.id,
            kind: q.kind,
            text_vi: q.text_vi.clone(),
            text_en: q.text_en.clone(),
            answered: if answered_hidden {
                Cell::hidden()
            } else {
                Cell::of(answered)
            },
            from_groups: if from_groups_hidden {
                Cell::hidden()
            } else {
                Cell::of(from_groups)
            },
            options,
            texts,
            breakdowns,
        },
        hidden_totals: own_hidden,
        answered,
        answered_hidden,
        individual,
        individual_hidden,
    }
}

// ---------------------------------------------------------------------------
// Moderation and the answer back: small rules the pages and the API share.
// ---------------------------------------------------------------------------

/// A moderator's decision on one free-text answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModerationStep {
    Approve,
    Reject,
    Redact,
    Flag,
}

impl ModerationStep {
    pub fn parse(s: &str) -> Option<ModerationStep> {
        match s {
            "approve" => Some(ModerationStep::Approve),
            "reject" => Some(ModerationStep::Reject),
            "redact" => Some(ModerationStep::Redact),
            "flag" => Some(ModerationStep::Flag),
            _ => None,
        }
    }
}

/// Whether a decision may follow the text's current state. A pending text
/// takes any decision; an approved one may still be tightened (redacted,
/// rejected or flagged: a moderator may notice a name late); a rejected or
/// flagged text is never shown again through moderation.
pub fn may_moderate(current: Option<Moderation>, step: ModerationStep) -> bool {
    match current {
        Some(Moderation::Pending) => true,
        Some(Moderation::Approved) => step != ModerationStep::Approve,
        _ => false,
    }
}

/// Longest redacted text (masking can lengthen the child's words).
pub const MAX_REDACTED_CHARS: usize = 1000;
/// Longest safeguarding note.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Longest findings of a consultation.
pub const MAX_FINDINGS_CHARS: usize = 5000;
/// Longest part of the answer to the children.
pub const MAX_ANSWER_CHARS: usize = 3000;

/// Checks a moderator's input: the redacted text (for `redact`) and the note
/// (for `flag`) are required and bounded. Returns the trimmed values.
pub fn validate_moderation(
    step: ModerationStep,
    text: Option<&str>,
    note: Option<&str>,
) -> Result<(Option<String>, Option<String>), FieldErrors> {
    let mut e = FieldErrors::new();
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    let note = note.map(str::trim).filter(|t| !t.is_empty());
    let mut out = (None, None);
    if step == ModerationStep::Redact {
        match text {
            None => {
                e.insert("text".into(), "required".into());
            }
            Some(t) if t.chars().count() > MAX_REDACTED_CHARS => {
                e.insert("text".into(), "too_long".into());
            }
            Some(t) => out.0 = Some(t.to_string()),
        }
    }
    if step == ModerationStep::Flag {
        match note {
            None => {
                e.insert("note".into(), "required".into());
            }
            Some(t) if t.chars().count() > MAX_NOTE_CHARS => {
                e.insert("note".into(), "too_long".into());
            }
            Some(t) => out.1 = Some(t.to_string()),
        }
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

fn bounded(e: &mut FieldErrors, field: &str, v: &str, max: usize, required: bool) -> String {
    let t = v.trim();
    if required && t.is_empty() {
        e.insert(field.into(), "required".into());
    } else if t.chars().count() > max {
        e.insert(field.into(), "too_long".into());
    }
    t.to_string()
}

/// Findings: required, at most [`MAX_FINDINGS_CHARS`].
pub fn validate_findings(findings: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::new();
    let f = bounded(&mut e, "findings", findings, MAX_FINDINGS_CHARS, true);
    if e.is_empty() { Ok(f) } else { Err(e) }
}

/// The answer to the children: three parts of at most [`MAX_ANSWER_CHARS`].
/// Publishing needs all three; a draft may be incomplete.
pub fn validate_answer_back(
    decided: &str,
    taken: &str,
    not_taken: &str,
    publish: bool,
) -> Result<(String, String, String), FieldErrors> {
    let mut e = FieldErrors::new();
    let a = bounded(&mut e, "decided", decided, MAX_ANSWER_CHARS, publish);
    let b = bounded(&mut e, "taken", taken, MAX_ANSWER_CHARS, publish);
    let c = bounded(&mut e, "not_taken", not_taken, MAX_ANSWER_CHARS, publish);
    if e.is_empty() { Ok((a, b, c)) } else { Err(e) }
}

/// Every count in a serialised results document, for tests and self-checks:
/// `true` when no number of 1–4 children is visible anywhere.
pub fn shows_no_small_count(v: &serde_json::Value) -> bool {
    fn walk(v: &serde_json::Value, key: Option<&str>) -> bool {
        match v {
            serde_json::Value::Object(m) => m.iter().all(|(k, x)| walk(x, Some(k))),
            serde_json::Value::Array(a) => a.iter().all(|x| walk(x, key)),
            serde_json::Value::Number(n) if key == Some("count") => {
                n.as_u64().is_none_or(|n| n == 0 || n >= SUPPRESS_BELOW)
            }
            _ => true,
        }
    }
    walk(v, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn single(id: i32, opts: &[i32]) -> QuestionIn {
        QuestionIn {
            id,
            kind: QuestionKind::Single,
            text_vi: format!("Câu {id}"),
            text_en: None,
            options: opts
                .iter()
                .map(|o| OptionIn {
                    id: *o,
                    label_vi: format!("Lựa chọn {o}"),
                    label_en: None,
                    emoji: None,
                })
                .collect(),
        }
    }

    fn chose(q: i32, o: i32) -> AnswerIn {
        AnswerIn {
            question_id: q,
            option_id: Some(o),
            ..Default::default()
        }
    }

    fn child(age: u8, sex: Sex, answers: Vec<AnswerIn>) -> ResponseIn {
        ResponseIn {
            source: Some(Source::Online),
            age: Some(age),
            sex: Some(sex),
            answers,
            ..Default::default()
        }
    }

    fn group_keys(b: &Breakdown) -> BTreeSet<String> {
        b.groups.iter().map(|g| g.key.clone()).collect()
    }

    fn breakdown(q: &QuestionResult, d: Dimension) -> &Breakdown {
        q.breakdowns
            .iter()
            .find(|b| b.dimension == d)
            .expect("dimension")
    }

    fn group<'a>(b: &'a Breakdown, key: &str) -> &'a Group {
        b.groups.iter().find(|g| g.key == key).expect("group")
    }

    fn json(r: &Results) -> serde_json::Value {
        serde_json::to_value(r).expect("json")
    }

    #[test]
    fn a_total_of_four_hides_everything_even_zeros() {
        let q = single(1, &[10, 11]);
        let rs: Vec<ResponseIn> = (0..4)
            .map(|_| child(8, Sex::Girl, vec![chose(1, 10)]))
            .collect();
        let r = compute(&[q], &rs, &[]);
        assert_eq!(r.children, Cell::hidden());
        assert_eq!(r.sources.online, Cell::hidden());
        let q = &r.questions[0];
        assert!(q.answered.suppressed);
        // Option 11 has 0 children, but 0 of 4 would tell that all four chose 10.
        assert!(q.options.iter().all(|o| o.cell == Cell::hidden()));
        let sex = breakdown(q, Dimension::Sex);
        assert!(
            group(sex, "girl").suppressed && group(sex, "girl").cells.iter().all(|c| c.suppressed)
        );
        assert!(shows_no_small_count(&json(&r)));
        // And the JSON says null, never 4.
        assert_eq!(
            json(&r)["children"],
            serde_json::json!({"count": null, "suppressed": true, "percent": null})
        );
    }

    #[test]
    fn a_group_of_three_is_suppressed_whole_while_others_show() {
        let q = single(1, &[10, 11]);
        let mut rs = vec![];
        for i in 0..9 {
            rs.push(child(
                12,
                Sex::Girl,
                vec![chose(1, if i < 6 { 10 } else { 11 })],
            ));
        }
        for _ in 0..3 {
            rs.push(child(7, Sex::Boy, vec![chose(1, 10)]));
        }
        let r = compute(&[q], &rs, &[]);
        assert_eq!(r.children.count, Some(12));
        let q = &r.questions[0];
        assert_eq!(q.answered.count, Some(12));
        // 3 chose option 11: "<5", its percent hidden; the 9 beside it would
        // give it back (12 − 9), so it is hidden too.
        assert_eq!(q.options[1].cell, Cell::hidden());
        assert_eq!(q.options[0].cell, Cell::hidden());
        let sex = breakdown(q, Dimension::Sex);
        let girls = group(sex, "girl");
        assert!(!girls.suppressed, "a group of 9 is not small");
        // The girls' 9 beside the boys' 3 of 12: hidden, here as in the profile.
        assert_eq!(girls.total, Cell::hidden());
        assert!(group(&r.profile[1], "girl").total.suppressed);
        assert_eq!(girls.cells[1], Cell::hidden());
        assert!(
            girls.cells.iter().all(|c| c.percent.is_none()),
            "percent of a hidden total"
        );
        let boys = group(sex, "boy");
        assert!(boys.suppressed);
        assert_eq!(boys.total, Cell::hidden());
        // Boys' 0 for option 11 is hidden too: it would reveal the whole group's choice.
        assert!(boys.cells.iter().all(|c| *c == Cell::hidden()));
        let ages = breakdown(q, Dimension::AgeBand);
        assert_eq!(
            group_keys(ages),
            ["11-15".to_string(), "6-10".to_string()]
                .into_iter()
                .collect()
        );
        assert_eq!(ages.groups[0].key, "6-10", "young first");
        assert!(shows_no_small_count(&json(&r)));
    }

    #[test]
    fn percentages_skip_suppressed_cells_and_zero_stays_zero() {
        let q = single(1, &[10, 11, 12]);
        let mut rs = vec![];
        for i in 0..10 {
            rs.push(child(
                9,
                Sex::Girl,
                vec![chose(1, if i < 7 { 10 } else { 11 })],
            ));
        }
        let r = compute(&[q], &rs, &[]);
        let o = &r.questions[0].options;
        assert_eq!((o[0].cell.count, o[0].cell.percent), (Some(7), Some(70.0)));
        assert_eq!(
            (o[1].cell.count, o[1].cell.percent, o[1].cell.suppressed),
            (None, None, true)
        );
        // 10 − 7 would give the 3 back: the smallest other cell, the 0,
        // hides with it (the pair holds 3: 3+0, 2+1, 1+2).
        assert!(o[2].cell.suppressed);
        assert_eq!(r.questions[0].answered.count, Some(10));
    }

    #[test]
    fn only_approved_texts_are_shown() {
        let q = QuestionIn {
            id: 2,
            kind: QuestionKind::Text,
            text_vi: "Em muốn gì?".into(),
            text_en: None,
            options: vec![],
        };
        let text = |t: &str, m: Moderation, redacted: bool| AnswerIn {
            question_id: 2,
            text: Some(t.into()),
            moderation: Some(m),
            redacted,
            ..Default::default()
        };
        let rs = vec![
            child(
                9,
                Sex::Girl,
                vec![text("chờ duyệt", Moderation::Pending, false)],
            ),
            child(
                9,
                Sex::Girl,
                vec![text("đã duyệt", Moderation::Approved, false)],
            ),
            child(
                9,
                Sex::Girl,
                vec![text("bị từ chối", Moderation::Rejected, false)],
            ),
            child(
                9,
                Sex::Girl,
                vec![text("cảnh báo", Moderation::Flagged, false)],
            ),
            child(
                9,
                Sex::Girl,
                vec![text("em [tên] lớp 6", Moderation::Approved, true)],
            ),
            child(9, Sex::Boy, vec![]),
        ];
        let r = compute(&[q], &rs, &[]);
        let q = &r.questions[0];
        assert_eq!(q.answered.count, Some(5), "five texts were written");
        assert_eq!(
            q.texts,
            vec![
                TextOut {
                    text: "đã duyệt".into(),
                    redacted: false
                },
                TextOut {
                    text: "em [tên] lớp 6".into(),
                    redacted: true
                }
            ]
        );
        let s = serde_json::to_string(&r).expect("json");
        for hidden in ["chờ duyệt", "bị từ chối", "cảnh báo"] {
            assert!(!s.contains(hidden), "{hidden}");
        }
    }

    #[test]
    fn group_tallies_add_to_totals_not_to_breakdowns() {
        let q = single(1, &[10, 11]);
        let rs: Vec<ResponseIn> = (0..6)
            .map(|_| child(12, Sex::Girl, vec![chose(1, 10)]))
            .collect();
        let mut paper = child(13, Sex::Boy, vec![chose(1, 11)]);
        paper.source = Some(Source::Paper);
        let rs: Vec<ResponseIn> = rs.into_iter().chain([paper]).collect();
        let t = TallyIn {
            girls: 5,
            boys: 4,
            age_6_10: 9,
            age_11_15: 0,
            counts: vec![(10, 2), (11, 7)],
        };
        let r = compute(&[q], &rs, &[t]);
        assert_eq!(r.children.count, Some(16));
        assert!(r.sources.paper.suppressed, "one paper form is <5");
        // 16 = 6 + 1 + 9: the smallest other source hides with the 1.
        assert!(r.sources.online.suppressed);
        assert_eq!(r.sources.group.count, Some(9));
        assert_eq!(r.sources.group_discussions, 1);
        let q = &r.questions[0];
        assert_eq!(q.answered.count, Some(16));
        assert_eq!(q.from_groups.count, Some(9));
        // The group's own counts are one more row of each answer × group
        // table: 8 | 8 add up to the 16 who answered, and the one boy who
        // chose option 11 on paper hides in the 11–15 row (6 | 1 hidden),
        // whose other values the groups' unseen 2 | 7 absorb.
        assert_eq!(q.options[0].cell.count, Some(8));
        assert_eq!(q.options[1].cell.count, Some(8));
        let older = group(breakdown(q, Dimension::AgeBand), "11-15");
        assert!(older.cells.iter().all(|c| c.suppressed));
        // Breakdowns only hold the 7 individual answers.
        let ages = breakdown(q, Dimension::AgeBand);
        assert_eq!(
            group_keys(ages),
            ["11-15".to_string()].into_iter().collect()
        );
        assert_eq!(group(ages, "11-15").total.count, Some(7));
        assert_eq!(group(ages, "11-15").total.percent, Some(100.0));
    }

    #[test]
    fn rankings_count_first_places_and_mean_rank() {
        let q = QuestionIn {
            kind: QuestionKind::Ranking,
            ..single(3, &[30, 31, 32])
        };
        let rank = |order: [i32; 3]| {
            order
                .iter()
                .enumerate()
                .map(|(i, o)| AnswerIn {
                    question_id: 3,
                    option_id: Some(*o),
                    value: Some(i as i32 + 1),
                    ..Default::default()
                })
                .collect()
        };
        let mut rs = vec![];
        for _ in 0..5 {
            rs.push(child(12, Sex::Girl, rank([30, 31, 32])));
        }
        for _ in 0..5 {
            rs.push(child(12, Sex::Boy, rank([31, 30, 32])));
        }
        let r = compute(std::slice::from_ref(&q), &rs, &[]);
        let o = &r.questions[0].options;
        assert_eq!(o[0].cell.count, Some(5));
        assert_eq!(o[1].cell.count, Some(5));
        assert_eq!(o[2].cell.count, Some(0));
        assert_eq!(o[0].mean_rank, Some(1.5));
        assert_eq!(o[2].mean_rank, Some(3.0));
        // Four rankers: no mean rank shown.
        let r = compute(&[q], &rs[..4], &[]);
        assert!(
            r.questions[0]
                .options
                .iter()
                .all(|o| o.mean_rank.is_none() && o.cell.suppressed)
        );
    }

    #[test]
    fn faces_count_each_face_and_profiles_group_units_and_ethnic_groups() {
        let q = QuestionIn {
            id: 4,
            kind: QuestionKind::Faces3,
            text_vi: "Em thấy thế nào?".into(),
            text_en: None,
            options: vec![],
        };
        let face = |f: i32| {
            vec![AnswerIn {
                question_id: 4,
                value: Some(f),
                ..Default::default()
            }]
        };
        let school = UnitRef {
            code: "S1".into(),
            name_vi: "Trường A".into(),
            name_en: "School A".into(),
        };
        let mut rs = vec![];
        for i in 0..8 {
            rs.push(ResponseIn {
                source: Some(Source::Online),
                age: Some(7),
                ethnic: Some("08".into()),
                disability: Some(i == 0),
                unit: Some(school.clone()),
                answers: face(if i < 6 { 3 } else { 1 }),
                ..Default::default()
            });
        }
        rs.push(ResponseIn {
            answers: face(2),
            ..Default::default()
        });
        let r = compute(&[q], &rs, &[]);
        let q = &r.questions[0];
        assert_eq!(q.options.len(), 3);
        assert_eq!(q.options[2].cell.count, Some(6));
        assert!(q.options[1].cell.suppressed && q.options[0].cell.suppressed);
        let eth = breakdown(q, Dimension::Ethnic);
        assert_eq!(group(eth, "08").name_vi.as_deref(), Some("Mông"));
        assert_eq!(eth.groups.last().map(|g| g.key.as_str()), Some(NOT_GIVEN));
        assert!(group(eth, NOT_GIVEN).suppressed);
        let units = breakdown(q, Dimension::Unit);
        assert_eq!(group(units, "S1").name_en.as_deref(), Some("School A"));
        // 8 beside a hidden 1 of 9 would give the 1 back: both hidden.
        assert!(group(units, "S1").total.suppressed && !group(units, "S1").suppressed);
        let dis = breakdown(q, Dimension::Disability);
        assert!(group(dis, "yes").suppressed);
        // 1 | 7 | 1 of 9: the two 1s pin each other down, the 7 goes too.
        assert!(group(dis, "no").total.suppressed);
        let prof = r
            .profile
            .iter()
            .find(|b| b.dimension == Dimension::AgeBand)
            .expect("profile");
        assert!(group(prof, NOT_GIVEN).total.suppressed);
        assert!(group(prof, "6-10").total.suppressed, "8 = 9 − 1");
        assert!(shows_no_small_count(&json(&r)));
    }

    /// What a reader can add up from one results document: every lone
    /// hidden cell beside a shown total, a percentage of a hidden total, and
    /// the group discussions' children (or a question's) as a shown total less
    /// what the profile (or the question's breakdowns) adds up to.
    fn worked_out(r: &Results) -> Vec<String> {
        let mut bad = vec![];
        let lone = |total: &Cell, cells: &[&Cell]| {
            !total.suppressed && cells.iter().filter(|c| c.suppressed).count() == 1
        };
        let s = &r.sources;
        if lone(&r.children, &[&s.online, &s.paper, &s.group]) {
            bad.push("sources".to_string());
        }
        // A breakdown's total: from a percentage, or all its groups shown.
        let known = |bs: &[Breakdown]| -> Option<u64> {
            bs.iter().find_map(|b| {
                if let Some(g) = b
                    .groups
                    .iter()
                    .find(|g| g.total.percent.is_some_and(|p| p > 0.0))
                {
                    let (n, p) = (g.total.count?, g.total.percent?);
                    return Some((n as f64 * 100.0 / p).round() as u64);
                }
                b.groups.iter().map(|g| g.total.count).sum()
            })
        };
        let i = known(&r.profile);
        if s.group_discussions > 0
            && let (Some(c), Some(i)) = (r.children.count, i)
            && (1..SUPPRESS_BELOW).contains(&(c - i))
        {
            bad.push(format!("tallies: {c} − {i}"));
        }
        for q in &r.questions {
            let additive = matches!(
                q.kind,
                QuestionKind::Single | QuestionKind::Faces3 | QuestionKind::Faces5
            );
            let cells: Vec<&Cell> = q.options.iter().map(|o| &o.cell).collect();
            if additive && lone(&q.answered, &cells) {
                bad.push(format!("q{} options", q.question_id));
            }
            if q.answered.suppressed && cells.iter().any(|c| c.percent.is_some()) {
                bad.push(format!("q{} percent of a hidden total", q.question_id));
            }
            if let (Some(a), true, Some(iq)) = (
                q.answered.count,
                q.from_groups.suppressed,
                known(&q.breakdowns),
            ) && (1..SUPPRESS_BELOW).contains(&(a - iq))
            {
                bad.push(format!("q{} from groups {a} − {iq}", q.question_id));
            }
            for b in &q.breakdowns {
                for g in &b.groups {
                    let cells: Vec<&Cell> = g.cells.iter().collect();
                    if additive && lone(&g.total, &cells) {
                        bad.push(format!("q{} {:?} {}", q.question_id, b.dimension, g.key));
                    }
                }
            }
        }
        bad
    }

    #[test]
    fn random_consultations_show_nothing_that_adds_up_to_a_hidden_count() {
        let mut seed = 0x7a11_1e5d_0c0f_fee5u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let multiple = QuestionIn {
            kind: QuestionKind::Multiple,
            ..single(2, &[20, 21, 22])
        };
        let faces = QuestionIn {
            kind: QuestionKind::Faces3,
            options: vec![],
            ..single(3, &[])
        };
        let qs = vec![single(1, &[10, 11, 12]), multiple, faces];
        for _ in 0..300 {
            let n = next() % 16;
            let rs: Vec<ResponseIn> = (0..n)
                .map(|_| {
                    let mut answers = vec![];
                    if next() % 5 > 0 {
                        answers.push(chose(1, 10 + (next() % 3) as i32));
                    }
                    for o in 0..3 {
                        if next().is_multiple_of(2) {
                            answers.push(chose(2, 20 + o));
                        }
                    }
                    answers.push(AnswerIn {
                        question_id: 3,
                        value: Some(1 + (next() % 3) as i32),
                        ..Default::default()
                    });
                    ResponseIn {
                        source: Some(match next() % 6 {
                            0 => Source::Paper,
                            1 => Source::Group,
                            _ => Source::Online,
                        }),
                        age: [Some(8), Some(12), None][(next() % 3) as usize],
                        sex: [Some(Sex::Girl), Some(Sex::Boy), None][(next() % 3) as usize],
                        ethnic: [Some("08".to_string()), Some("01".to_string()), None]
                            [(next() % 3) as usize]
                            .clone(),
                        answers,
                        ..Default::default()
                    }
                })
                .collect();
            let ts: Vec<TallyIn> = (0..next() % 3)
                .map(|_| {
                    let k = 1 + next() % 7;
                    let a = next() % (k + 1);
                    TallyIn {
                        girls: k / 2,
                        boys: k - k / 2,
                        age_6_10: k,
                        age_11_15: 0,
                        counts: vec![(10, a), (11, k - a)],
                    }
                })
                .collect();
            let r = compute(&qs, &rs, &ts);
            assert!(shows_no_small_count(&json(&r)), "{}", json(&r));
            assert_eq!(worked_out(&r), Vec::<String>::new(), "{}", json(&r));
        }
    }

    #[test]
    fn the_leak_check_finds_small_counts() {
        assert!(!shows_no_small_count(
            &serde_json::json!({"a": [{"count": 3}]})
        ));
        assert!(shows_no_small_count(
            &serde_json::json!({"a": [{"count": 0}, {"count": 5}, {"count": null}]})
        ));
    }

    #[test]
    fn moderation_steps_and_their_inputs() {
        use ModerationStep::*;
        assert_eq!(ModerationStep::parse("flag"), Some(Flag));
        assert_eq!(ModerationStep::parse("delete"), None);
        assert!(may_moderate(Some(Moderation::Pending), Approve));
        assert!(!may_moderate(Some(Moderation::Approved), Approve));
        assert!(may_moderate(Some(Moderation::Approved), Redact));
        assert!(!may_moderate(Some(Moderation::Flagged), Approve));
        assert!(!may_moderate(Some(Moderation::Rejected), Redact));
        assert!(!may_moderate(None, Approve), "not a text");
        assert_eq!(
            validate_moderation(Flag, None, Some("  ")).expect_err("invalid")["note"],
            "required"
        );
        assert_eq!(
            validate_moderation(Redact, Some(""), None).expect_err("invalid")["text"],
            "required"
        );
        assert_eq!(
            validate_moderation(Redact, Some(&"x".repeat(1001)), None).expect_err("invalid")["text"],
            "too_long"
        );
        assert_eq!(
            validate_moderation(Redact, Some(" [tên] "), None)
                .expect("ok")
                .0
                .as_deref(),
            Some("[tên]")
        );
        assert_eq!(
            validate_moderation(Approve, None, None).expect("ok"),
            (None, None)
        );
    }

    #[test]
    fn findings_and_answers_are_bounded() {
        assert_eq!(
            validate_findings("  ").expect_err("invalid")["findings"],
            "required"
        );
        assert_eq!(
            validate_findings(&"a".repeat(5001)).expect_err("invalid")["findings"],
            "too_long"
        );
        assert_eq!(
            validate_findings(" Các em muốn sân chơi. ").expect("ok"),
            "Các em muốn sân chơi."
        );
        let e = validate_answer_back("", "x", &"y".repeat(3001), true).expect_err("invalid");
        assert_eq!(e["decided"], "required");
        assert_eq!(e["not_taken"], "too_long");
        assert!(!e.contains_key("taken"));
        assert!(
            validate_answer_back("", "", "", false).is_ok(),
            "a draft may be empty"
        );
        assert_eq!(
            validate_answer_back("a", "b", "Không có", true)
                .expect("ok")
                .2,
            "Không có"
        );
    }
}

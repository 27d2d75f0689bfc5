//! Which counts of children a table may show: primary and complementary
//! suppression, one function per table shape.
//!
//! A cell of 1–4 children is hidden (*primary* suppression), and so is every
//! cell of a group under 5 children, zeros included. Hiding is not enough when
//! the total is shown beside it: 11 children, boys 7, girls hidden → girls = 4.
//! So enough further cells are hidden (*complementary* suppression) that no
//! hidden cell can be worked out from what the same table shows.
//!
//! The reader we protect against knows everything the table shows, knows that
//! a primary cell holds 1–4 (0–4 inside a group under 5), and that any other
//! hidden count is at least 0. A hidden cell is protected when at least two
//! values of it fit all of that; the functions here hide cells until every
//! hidden cell is protected, choosing the smallest counts as complements.
//! `docs/suppression.md` says what this protects and what it does not.
//!
//! - [`one_way`]: a breakdown with its total (children by sex, an answer's
//!   options with the number who answered).
//! - [`two_way`]: a table with its row and column totals (answers by group).
//!
//! Both only say *which* cells to hide; callers render hidden cells the same
//! way everywhere (`null` in JSON, "<5"-style marker on pages and in files).

use crate::voice::SUPPRESS_BELOW;

/// How a hidden count reads on every page and in every file: fewer than
/// [`SUPPRESS_BELOW`] children.
pub const HIDDEN_LABEL: &str = "<5";

/// A count as shown: `show(n)`, or [`HIDDEN_LABEL`] when it is hidden (`None`).
pub fn shown<T>(count: Option<T>, show: impl FnOnce(T) -> String) -> String {
    count.map_or_else(|| HIDDEN_LABEL.to_string(), show)
}

/// [`HIDDEN_LABEL`] when `hidden`, else the text `show` writes.
pub fn shown_unless(hidden: bool, show: impl FnOnce() -> String) -> String {
    if hidden {
        HIDDEN_LABEL.to_string()
    } else {
        show()
    }
}

/// An upper bound the reader cannot exceed in practice (no table holds this
/// many children), kept far from overflow when added up.
const UNBOUNDED: i64 = 1 << 40;
/// Cost of hiding a margin rather than a cell: only when no cell will do.
const MARGIN_COST: i64 = 1 << 30;
const SMALL: i64 = SUPPRESS_BELOW as i64 - 1;

fn is_small(n: u64) -> bool {
    n > 0 && n < SUPPRESS_BELOW
}

/// Which of a listed consultation's counts are hidden: online, paper, group
/// forms and the children of its group tallies, a breakdown of the children
/// the consultations page shows as its total (hidden there when `total`:
/// 1–4, or too few to protect its parts). The group forms are not listed on
/// their own but count in that total, so they are a cell too. Tallies of 1–4
/// children hide the total as the results hide the children who took part
/// ([`crate::results`]), or the two views together would give them back.
pub fn listed_counts(online: i64, paper: i64, group_forms: i64, in_tallies: i64) -> OneWay {
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    let mut w = one_way(&[n(online), n(paper), n(group_forms), n(in_tallies)]);
    w.total |= (1..SUPPRESS_BELOW as i64).contains(&in_tallies);
    w
}

/// Which parts of a one-way table are hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneWay {
    /// One flag per cell, `true` when hidden.
    pub cells: Vec<bool>,
    /// `true` when the total itself must be hidden (under 5, or no choice of
    /// cells protects a hidden one).
    pub total: bool,
}

impl OneWay {
    pub fn hidden(&self, i: usize) -> bool {
        self.cells.get(i).copied().unwrap_or(true)
    }
}

/// Hides the cells of a breakdown whose total (the sum of `cells`) is shown
/// beside it: primary cells of 1–4, then the smallest other cells until every
/// hidden cell keeps at least two possible values. A total of 1–4 hides
/// everything.
pub fn one_way(cells: &[u64]) -> OneWay {
    one_way_with(cells, &[])
}

/// [`one_way`] where the cells flagged in `forced` are hidden already (by
/// another table of the same view): they are protected like the others.
pub fn one_way_with(cells: &[u64], forced: &[bool]) -> OneWay {
    let total: u64 = cells.iter().sum();
    if is_small(total) {
        return OneWay {
            cells: vec![true; cells.len()],
            total: true,
        };
    }
    let v: Vec<i64> = cells.iter().map(|n| *n as i64).collect();
    // The reader's bounds of each hidden cell: primary 1–4, complement ≥ 0.
    let mut bounds: Vec<Option<(i64, i64)>> = cells
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if is_small(*n) {
                Some((1, SMALL))
            } else {
                forced
                    .get(i)
                    .copied()
                    .unwrap_or(false)
                    .then_some((0, UNBOUNDED))
            }
        })
        .collect();
    let protected = |bounds: &[Option<(i64, i64)>], p: usize| -> bool {
        let Some((lo, hi)) = bounds[p] else {
            return true;
        };
        let mut sum = 0i64;
        let (mut min_o, mut max_o) = (0i64, 0i64);
        for (i, b) in bounds.iter().enumerate() {
            if let Some((l, h)) = b {
                sum += v[i];
                if i != p {
                    min_o += l;
                    max_o = max_o.saturating_add(*h);
                }
            }
        }
        let from = lo.max(sum - max_o);
        let to = hi.min(sum - min_o);
        to > from
    };
    loop {
        let Some(p) = (0..v.len()).find(|p| !protected(&bounds, *p)) else {
            return OneWay {
                cells: bounds.iter().map(Option::is_some).collect(),
                total: false,
            };
        };
        // Candidates, smallest first; a zero helps only a cell that may go down.
        let mut free: Vec<usize> = (0..v.len()).filter(|i| bounds[*i].is_none()).collect();
        free.sort_by_key(|i| (v[*i], *i));
        if free.is_empty() {
            // Every cell is hidden and still pinned down (five cells of 1):
            // only hiding the total protects them.
            return OneWay {
                cells: vec![true; v.len()],
                total: true,
            };
        }
        let pick = free
            .iter()
            .copied()
            .find(|i| {
                let mut b = bounds.clone();
                b[*i] = Some((0, UNBOUNDED));
                protected(&b, p)
            })
            .or_else(|| free.iter().copied().find(|i| v[*i] > 0))
            .unwrap_or(free[0]);
        bounds[pick] = Some((0, UNBOUNDED));
    }
}

/// What the reader knows of the total that several breakdowns share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// The total is shown.
    Shown,
    /// The total is hidden; the reader knows it lies within `lo..=hi` (from
    /// another table of the view: children who took part less those counted
    /// in group discussions, say).
    Hidden { lo: u64, hi: u64 },
}

/// Which parts of several breakdowns of one total are hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdowns {
    /// One [`OneWay`] per breakdown; its `total` repeats [`Breakdowns::total`].
    pub tables: Vec<OneWay>,
    /// The shared total must be hidden wherever the view shows it.
    pub total: bool,
    /// Even with every cell hidden, the bounds given in [`Total::Hidden`]
    /// pin the total or a cell down: the caller must hide what gives the
    /// bounds away (and call again with wider ones).
    pub tight: bool,
}

/// Hides the cells of several breakdowns of the same children (C1 by age
/// band, by sex and by ethnic group; who answered by source and by each part
/// of their profile), read side by side with their shared total.
///
/// With the total shown the breakdowns are independent ([`one_way_with`]
/// each). When one of them cannot be protected with its total shown (five
/// cells of 1), or the caller hides the total, the total is hidden in all of
/// them, and then it may itself be worked out from any breakdown whose cells
/// are all shown, or pinned where the breakdowns' ranges meet: cells are
/// hidden (the smallest first) until the total and every hidden cell keep at
/// least two values that fit every breakdown at once.
pub fn breakdowns(tables: &[Vec<u64>], forced: &[Vec<bool>], total: Total) -> Breakdowns {
    let t: u64 = tables.first().map_or(0, |c| c.iter().sum());
    let all_hidden = |tight: bool| Breakdowns {
        tables: tables
            .iter()
            .map(|c| OneWay {
                cells: vec![true; c.len()],
                total: true,
            })
            .collect(),
        total: true,
        tight,
    };
    if is_small(t) {
        // A small group: the reader knows the total is 1–4, and perhaps
        // bounds from elsewhere; where they meet in one value it is pinned.
        let tight = match total {
            Total::Shown => false,
            Total::Hidden { lo, hi } => lo.max(1) >= hi.min(SMALL as u64),
        };
        return all_hidden(tight);
    }
    let no = Vec::new();
    let forced_of = |k: usize| forced.get(k).unwrap_or(&no);
    let (lo, hi) = match total {
        Total::Shown => {
            let ws: Vec<OneWay> = tables
                .iter()
                .enumerate()
                .map(|(k, c)| one_way_with(c, forced_of(k)))
                .collect();
            if ws.iter().all(|w| !w.total) {
                return Breakdowns {
                    tables: ws,
                    total: false,
                    tight: false,
                };
            }
            (0, UNBOUNDED)
        }
        Total::Hidden { lo, hi } => (
            lo.min(UNBOUNDED as u64) as i64,
            hi.min(UNBOUNDED as u64) as i64,
        ),
    };
    // Each cell's bounds as the reader knows them, `None` when shown.
    let mut bounds: Vec<Vec<Option<(i64, i64)>>> = tables
        .iter()
        .enumerate()
        .map(|(k, c)| {
            c.iter()
                .enumerate()
                .map(|(i, n)| {
                    if is_small(*n) {
                        Some((1, SMALL))
                    } else {
                        forced_of(k)
                            .get(i)
                            .copied()
                            .unwrap_or(false)
                            .then_some((0, UNBOUNDED))
                    }
                })
                .collect()
        })
        .collect();
    loop {
        let Some(k) = shared_failure(tables, &bounds, lo, hi) else {
            return Breakdowns {
                tables: bounds
                    .iter()
                    .map(|b| OneWay {
                        cells: b.iter().map(Option::is_some).collect(),
                        total: true,
                    })
                    .collect(),
                total: true,
                tight: false,
            };
        };
        // Candidates: the shown cells of the failing breakdown first, then
        // of the others, smallest first; the first that mends the failure,
        // else the smallest count that is not 0.
        let mut free: Vec<(usize, usize)> = vec![];
        for kk in std::iter::once(k).chain((0..tables.len()).filter(|x| *x != k)) {
            let mut mine: Vec<(usize, usize)> = (0..tables[kk].len())
                .filter(|i| bounds[kk][*i].is_none())
                .map(|i| (kk, i))
                .collect();
            mine.sort_by_key(|(a, i)| (tables[*a][*i], *i));
            free.extend(mine);
        }
        if free.is_empty() {
            return all_hidden(true);
        }
        let mends = |(a, i): (usize, usize)| {
            let mut b = bounds.clone();
            b[a][i] = Some((0, UNBOUNDED));
            shared_failure(tables, &b, lo, hi) != Some(k)
        };
        let pick = free
            .iter()
            .copied()
            .find(|x| mends(*x))
            .or_else(|| free.iter().copied().find(|(a, i)| tables[*a][*i] > 0))
            .unwrap_or(free[0]);
        bounds[pick.0][pick.1] = Some((0, UNBOUNDED));
    }
}

/// The first breakdown where something hidden is pinned down, reading every
/// breakdown with the hidden total in `lo..=hi`: its index (the breakdown
/// that bounds the total most tightly when the total itself is pinned).
fn shared_failure(
    tables: &[Vec<u64>],
    bounds: &[Vec<Option<(i64, i64)>>],
    lo: i64,
    hi: i64,
) -> Option<usize> {
    // Each breakdown's range of the total: its shown cells plus the bounds
    // of its hidden ones. Given the total, the breakdowns are independent,
    // so the total's values are where all ranges meet.
    let ranges: Vec<(i64, i64, i64)> = tables
        .iter()
        .zip(bounds)
        .map(|(c, b)| {
            let mut shown = 0i64;
            let (mut l, mut h) = (0i64, 0i64);
            for (n, x) in c.iter().zip(b) {
                match x {
                    None => shown += *n as i64,
                    Some((a, z)) => {
                        l += a;
                        h = h.saturating_add(*z).min(UNBOUNDED);
                    }
                }
            }
            (shown, shown + l, (shown + h).min(UNBOUNDED))
        })
        .collect();
    let low = ranges.iter().map(|r| r.1).fold(lo, i64::max);
    let high = ranges.iter().map(|r| r.2).fold(hi, i64::min);
    if high <= low {
        // The narrowest breakdown that still has a cell to give.
        let mut order: Vec<usize> = (0..tables.len()).collect();
        order.sort_by_key(|k| ranges[*k].2 - ranges[*k].1);
        return order
            .iter()
            .copied()
            .find(|k| bounds[*k].iter().any(Option::is_none))
            .or(Some(0));
    }
    for (k, b) in bounds.iter().enumerate() {
        let (shown, _, _) = ranges[k];
        for (p, x) in b.iter().enumerate() {
            let Some((pl, ph)) = x else { continue };
            let (mut ol, mut oh) = (0i64, 0i64);
            for (i, y) in b.iter().enumerate() {
                if let (true, Some((a, z))) = (i != p, y) {
                    ol += a;
                    oh = oh.saturating_add(*z).min(UNBOUNDED);
                }
            }
            let from = (*pl).max(low - shown - oh);
            let to = (*ph).min(high - shown - ol);
            if to <= from {
                return Some(k);
            }
        }
    }
    None
}

/// Which parts of a two-way table are hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoWay {
    /// `cells[row][col]`, `true` when hidden.
    pub cells: Vec<Vec<bool>>,
    /// Row totals hidden.
    pub rows: Vec<bool>,
    /// Column totals hidden.
    pub cols: Vec<bool>,
    /// The grand total hidden (only when it is 1–4).
    pub total: bool,
}

/// One count of the table extended with its margins, as the search sees it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Margins enter negated, so every row and column of the extended table
    /// adds up to zero and any change that keeps what is shown is a sum of
    /// alternating cycles over hidden entries.
    value: i64,
    hidden: bool,
    /// What the reader knows of a hidden entry.
    lo: i64,
    hi: i64,
    /// What hiding it costs, `None` for the grand total (never a complement).
    cost: Option<i64>,
    /// Bounds it takes if hidden as a complement.
    free_lo: i64,
    free_hi: i64,
}

impl Entry {
    fn bounds(&self) -> (i64, i64) {
        if self.hidden {
            (self.lo, self.hi)
        } else {
            (self.free_lo, self.free_hi)
        }
    }
    fn can_rise(&self) -> bool {
        self.value < self.bounds().1
    }
    fn can_fall(&self) -> bool {
        self.value > self.bounds().0
    }
}

/// Hides the cells of a table shown with its row totals, column totals and
/// grand total (every row and column adds up). Primary: cells of 1–4, every
/// cell of a row or column whose total is 1–4 (and that total). Then, for each
/// hidden entry no other value of which fits what is shown, the cheapest cycle
/// of further cells (smallest counts first, totals only when no cell will do)
/// is hidden, until every hidden entry keeps at least two possible values.
pub fn two_way(cells: &[Vec<u64>]) -> TwoWay {
    two_way_with(cells, &[], &[])
}

/// [`two_way`] where the row totals flagged in `rows_forced` and the column
/// totals flagged in `cols_forced` are hidden already (by another table of the
/// same view): they are protected like the others.
// The extended table is built by position: cell, row total, column total or
// grand total, each read from its own vector by the same indices.
pub fn two_way_with(cells: &[Vec<u64>], rows_forced: &[bool], cols_forced: &[bool]) -> TwoWay {
    two_way_hiding(cells, rows_forced, cols_forced, false)
}

/// [`two_way_with`] where the grand total may be hidden already
/// (`total_forced`: another table of the view hides the same number), so the
/// margins need not give it back.
#[allow(clippy::needless_range_loop)]
pub fn two_way_hiding(
    cells: &[Vec<u64>],
    rows_forced: &[bool],
    cols_forced: &[bool],
    total_forced: bool,
) -> TwoWay {
    let r = cells.len();
    let c = cells.iter().map(Vec::len).max().unwrap_or(0);
    let at = |i: usize, j: usize| cells[i].get(j).copied().unwrap_or(0);
    let rows: Vec<u64> = (0..r).map(|i| (0..c).map(|j| at(i, j)).sum()).collect();
    let cols: Vec<u64> = (0..c).map(|j| (0..r).map(|i| at(i, j)).sum()).collect();
    let total: u64 = rows.iter().sum();
    if is_small(total) {
        return TwoWay {
            cells: vec![vec![true; c]; r],
            rows: vec![true; r],
            cols: vec![true; c],
            total: true,
        };
    }
    let mut e: Vec<Vec<Entry>> = Vec::with_capacity(r + 1);
    for i in 0..=r {
        let mut row = Vec::with_capacity(c + 1);
        for j in 0..=c {
            let entry = if i < r && j < c {
                let n = at(i, j);
                let in_small_group = is_small(rows[i]) || is_small(cols[j]);
                let (hidden, lo) = if in_small_group {
                    (true, 0)
                } else {
                    (is_small(n), 1)
                };
                Entry {
                    value: n as i64,
                    hidden,
                    lo,
                    hi: SMALL,
                    cost: Some(n as i64 + 1),
                    free_lo: 0,
                    free_hi: UNBOUNDED,
                }
            } else if i < r || j < c {
                let (n, forced) = if i < r {
                    (rows[i], rows_forced.get(i))
                } else {
                    (cols[j], cols_forced.get(j))
                };
                let forced = forced.copied().unwrap_or(false) && !is_small(n);
                Entry {
                    value: -(n as i64),
                    hidden: is_small(n) || forced,
                    lo: if forced { -UNBOUNDED } else { -SMALL },
                    hi: if forced { 0 } else { -1 },
                    cost: Some(MARGIN_COST + n as i64),
                    free_lo: -UNBOUNDED,
                    free_hi: 0,
                }
            } else {
                Entry {
                    value: total as i64,
                    hidden: false,
                    lo: total as i64,
                    hi: total as i64,
                    cost: None,
                    free_lo: total as i64,
                    free_hi: total as i64,
                }
            };
            row.push(entry);
        }
        e.push(row);
    }
    let hide_total = |e: &mut [Vec<Entry>]| {
        let x = &mut e[r][c];
        x.hidden = true;
        x.lo = 0;
        x.hi = UNBOUNDED;
    };
    if total_forced {
        hide_total(&mut e);
    }
    // Protect every hidden entry; each cycle hidden also protects its members,
    // and hiding more never unprotects; passes repeat until nothing changes.
    protect(&mut e);
    // A table no cell or total can protect (a forced row total of a one-row
    // table, which is the grand total): hide the grand total and go again.
    let pinned = |e: &[Vec<Entry>]| {
        (0..=r).any(|i| (0..=c).any(|j| e[i][j].hidden && cheapest_cycle(e, i, j, false).is_none()))
    };
    let total_hidden = total_forced || pinned(&e);
    if total_hidden && !total_forced {
        hide_total(&mut e);
        protect(&mut e);
    }
    TwoWay {
        cells: (0..r)
            .map(|i| (0..c).map(|j| e[i][j].hidden).collect())
            .collect(),
        rows: (0..r).map(|i| e[i][c].hidden).collect(),
        cols: (0..c).map(|j| e[r][j].hidden).collect(),
        total: total_hidden,
    }
}

/// Hides the cheapest cycle for every hidden entry that has none, until
/// every hidden entry has one (or, failing any, its whole row and column).
fn protect(e: &mut [Vec<Entry>]) {
    let rn = e.len();
    let cn = e.first().map_or(0, Vec::len);
    let hide = |x: &mut Entry| {
        if !x.hidden && x.cost.is_some() {
            x.hidden = true;
            x.lo = x.free_lo;
            x.hi = x.free_hi;
            true
        } else {
            false
        }
    };
    loop {
        let mut changed = false;
        for i in 0..rn {
            for j in 0..cn {
                if !e[i][j].hidden || cheapest_cycle(e, i, j, false).is_some() {
                    continue;
                }
                match cheapest_cycle(e, i, j, true) {
                    Some(path) => {
                        for (a, b) in path {
                            changed |= hide(&mut e[a][b]);
                        }
                    }
                    None => {
                        // Nothing protects it: hide its whole row and column.
                        for x in e[i].iter_mut() {
                            changed |= hide(x);
                        }
                        for row in e.iter_mut() {
                            changed |= hide(&mut row[j]);
                        }
                    }
                }
            }
        }
        if !changed {
            return;
        }
    }
}

/// The cheapest alternating cycle through hidden entry `(i0, j0)` along which
/// it can move by one while every entry stays within what the reader knows:
/// the entries to hide (those not yet hidden), or `None`. With `add` false
/// only hidden entries may be used (the check that it is protected already).
fn cheapest_cycle(
    e: &[Vec<Entry>],
    i0: usize,
    j0: usize,
    add: bool,
) -> Option<Vec<(usize, usize)>> {
    let rn = e.len();
    let cn = e.first().map_or(0, Vec::len);
    let target = e[i0][j0];
    let mut best: Option<(i64, Vec<(usize, usize)>)> = None;
    for up in [true, false] {
        let moves = if up {
            target.can_rise()
        } else {
            target.can_fall()
        };
        if !moves {
            continue;
        }
        // Nodes: rows 0..rn, then columns rn..rn+cn. From a row we take an
        // entry that moves opposite to the target; from a column, one that
        // moves with it. Dijkstra over the costs of entries not yet hidden.
        let usable = |a: usize, b: usize, with_target: bool| -> Option<i64> {
            if (a, b) == (i0, j0) {
                return None;
            }
            let x = &e[a][b];
            let moves = if with_target == up {
                x.can_rise()
            } else {
                x.can_fall()
            };
            if !moves {
                return None;
            }
            if x.hidden {
                Some(0)
            } else if add {
                x.cost
            } else {
                None
            }
        };
        let n = rn + cn;
        let mut dist = vec![i64::MAX; n];
        let mut prev: Vec<Option<usize>> = vec![None; n];
        let mut done = vec![false; n];
        dist[i0] = 0;
        while let Some(u) = (0..n)
            .filter(|u| !done[*u] && dist[*u] < i64::MAX)
            .min_by_key(|u| dist[*u])
        {
            done[u] = true;
            if u == rn + j0 {
                break;
            }
            if u < rn {
                for b in 0..cn {
                    if let Some(w) = usable(u, b, false)
                        && dist[u] + w < dist[rn + b]
                    {
                        dist[rn + b] = dist[u] + w;
                        prev[rn + b] = Some(u);
                    }
                }
            } else {
                let b = u - rn;
                for a in 0..rn {
                    if let Some(w) = usable(a, b, true)
                        && dist[u] + w < dist[a]
                    {
                        dist[a] = dist[u] + w;
                        prev[a] = Some(u);
                    }
                }
            }
        }
        let end = rn + j0;
        if dist[end] == i64::MAX {
            continue;
        }
        let mut path = vec![];
        let mut v = end;
        while let Some(p) = prev[v] {
            let (a, b) = if p < rn { (p, v - rn) } else { (v, p - rn) };
            if !e[a][b].hidden {
                path.push((a, b));
            }
            v = p;
        }
        if best.as_ref().is_none_or(|(d, _)| dist[end] < *d) {
            best = Some((dist[end], path));
        }
    }
    best.map(|(_, p)| p)
}

/// Children's answers of one unit and year cut into age *atoms*: the ages
/// split at every end of every range shown (the plan's age bands and each
/// measure's age range), so that every range is a union of atoms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeAtoms {
    /// `(from, to)` of each atom, both ends included, in order of age.
    pub atoms: Vec<(u8, u8)>,
}

impl AgeAtoms {
    /// The atoms of `ages_from..=ages_to` cut at the ends of every range.
    pub fn cut(ages_from: u8, ages_to: u8, ranges: &[(u8, u8)]) -> AgeAtoms {
        let mut starts: Vec<u8> = vec![ages_from];
        for (lo, hi) in ranges {
            for edge in [*lo, hi.saturating_add(1)] {
                if edge > ages_from && edge <= ages_to {
                    starts.push(edge);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let atoms = starts
            .iter()
            .enumerate()
            .map(|(i, from)| {
                let to = starts.get(i + 1).map_or(ages_to, |next| next - 1);
                (*from, to)
            })
            .collect();
        AgeAtoms { atoms }
    }

    /// The atoms inside `lo..=hi` (by index).
    pub fn within(&self, lo: u8, hi: u8) -> Vec<usize> {
        self.atoms
            .iter()
            .enumerate()
            .filter(|(_, (from, to))| *from >= lo && *to <= hi)
            .map(|(i, _)| i)
            .collect()
    }

    /// Sums counts by single age into the atoms.
    pub fn sum(&self, by_age: &std::collections::BTreeMap<u8, u64>) -> Vec<u64> {
        self.atoms
            .iter()
            .map(|(from, to)| by_age.range(*from..=*to).map(|(_, n)| *n).sum::<u64>())
            .collect()
    }
}

/// Which sums of answers over age ranges a view may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeRanges {
    /// The breakdowns as [`breakdowns`] hid them: the first is the atoms
    /// (then "age not given"), the others the callers' (by sex, by ethnic group).
    pub cells: Breakdowns,
}

impl AgeRanges {
    /// Whether the sum over these atoms (indexes into the first breakdown,
    /// "age not given" included when its index is given) may be shown: the
    /// total is shown, and the hidden atoms inside are none or all of them —
    /// so it tells nothing the shown atoms and the total do not.
    pub fn shows(&self, cells: &[usize]) -> bool {
        if self.cells.total {
            return false;
        }
        let Some(t) = self.cells.tables.first() else {
            return true;
        };
        let hidden: Vec<usize> = (0..t.cells.len()).filter(|i| t.hidden(*i)).collect();
        let inside = hidden.iter().filter(|i| cells.contains(i)).count();
        inside == 0 || inside == hidden.len()
    }
}

/// Hides what several age ranges of the same answers could give away by
/// subtraction (7–15 beside 6–10 and 11–15 gives age 6): the answers are cut
/// into atoms at every range end ([`AgeAtoms`]), `atoms` (then, last, the
/// answers with no age) and the `others` breakdowns of the same total go
/// through [`breakdowns`] as partitions of it, and a range is shown only when
/// [`AgeRanges::shows`] says so.
pub fn age_ranges(atoms: &[u64], others: &[Vec<u64>]) -> AgeRanges {
    let mut tables = vec![atoms.to_vec()];
    tables.extend(others.iter().cloned());
    AgeRanges {
        cells: breakdowns(&tables, &[], Total::Shown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hidden_label_names_the_threshold() {
        assert_eq!(HIDDEN_LABEL, format!("<{SUPPRESS_BELOW}"));
        assert_eq!(shown(Some(7), |n: u64| n.to_string()), "7");
        assert_eq!(shown(None, |n: u64| n.to_string()), "<5");
        assert_eq!(shown_unless(true, || "3".into()), "<5");
        assert_eq!(shown_unless(false, || "3".into()), "3");
    }

    #[test]
    fn a_lone_small_cell_beside_its_total_takes_the_smallest_other_cell() {
        // 11 children: boys 7, girls 4 → both hidden.
        assert_eq!(one_way(&[4, 7]).cells, vec![true, true]);
        // "9 | 7 | <5 | 0": the 0 goes with the 4 (the pair holds 4: 4+0, 3+1, …).
        let w = one_way(&[9, 7, 4, 0]);
        assert_eq!(w.cells, vec![false, false, true, true]);
        // A 1 beside a 0 would stay 1: the next smallest, the 7, goes instead.
        assert_eq!(one_way(&[9, 7, 1, 0]).cells, vec![false, true, true, false]);
        assert!(!w.total);
        // Two small cells that still pin each other down (1 and 1 of a known 2).
        let w = one_way(&[1, 1, 20]);
        assert_eq!(w.cells, vec![true, true, true]);
        // Two small cells 3 and 4: each may be 3 or 4.
        assert_eq!(one_way(&[3, 4, 20]).cells, vec![true, true, false]);
        // Nothing small: nothing hidden; a small total hides everything.
        assert_eq!(one_way(&[5, 0, 9]).cells, vec![false; 3]);
        assert_eq!(
            one_way(&[2, 0]),
            OneWay {
                cells: vec![true, true],
                total: true
            }
        );
        // Five ones: no cell can protect them, the total goes.
        assert!(one_way(&[1, 1, 1, 1, 1]).total);
    }

    #[test]
    fn a_small_cell_of_a_two_way_table_takes_a_cycle() {
        // 4 | 10
        // 9 | 12      the 4 is hidden with the 10, the 9 and the 12.
        let w = two_way(&[vec![4, 10], vec![9, 12]]);
        assert_eq!(w.cells, vec![vec![true, true], vec![true, true]]);
        assert_eq!(w.rows, vec![false, false]);
        // A small group hides its row and its total, and another total with it.
        let w = two_way(&[vec![2, 0], vec![9, 12], vec![6, 8]]);
        assert_eq!(w.cells[0], vec![true, true]);
        assert!(w.rows[0]);
        assert_eq!(w.rows.iter().filter(|h| **h).count(), 2);
    }

    type Values = std::collections::BTreeSet<u64>;
    type Prune<'a> = dyn Fn(&[Vec<u64>], usize, usize) -> bool + 'a;

    /// A seeded generator: the same tables on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn count(&mut self) -> u64 {
            match self.next() % 10 {
                0..=2 => 0,
                3..=6 => 1 + self.next() % 4,
                _ => 5 + self.next() % 8,
            }
        }
    }

    /// Every value of each hidden position that fits what is shown.
    fn feasible_values_one_way(cells: &[u64], w: &OneWay) -> Vec<std::collections::BTreeSet<u64>> {
        let total: u64 = cells.iter().sum();
        let small_group = is_small(total);
        let bounds: Vec<(u64, u64)> = cells
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if !w.cells[i] {
                    (*n, *n)
                } else if small_group {
                    (0, 4)
                } else if is_small(*n) {
                    (1, 4)
                } else {
                    (0, total.max(20))
                }
            })
            .collect();
        let mut seen = vec![std::collections::BTreeSet::new(); cells.len()];
        let mut cur = vec![0u64; cells.len()];
        fn walk(
            k: usize,
            bounds: &[(u64, u64)],
            cur: &mut Vec<u64>,
            total: Option<u64>,
            seen: &mut Vec<std::collections::BTreeSet<u64>>,
        ) {
            let sum: u64 = cur[..k].iter().sum();
            if k == bounds.len() {
                if total.is_none_or(|t| t == sum) {
                    for (s, v) in seen.iter_mut().zip(cur.iter()) {
                        s.insert(*v);
                    }
                }
                return;
            }
            for v in bounds[k].0..=bounds[k].1 {
                if total.is_some_and(|t| sum + v > t) {
                    break;
                }
                cur[k] = v;
                walk(k + 1, bounds, cur, total, seen);
            }
        }
        let shown_total = (!w.total).then_some(total);
        walk(0, &bounds, &mut cur, shown_total, &mut seen);
        seen
    }

    #[test]
    fn no_hidden_cell_of_a_one_way_table_can_be_worked_out() {
        let mut rng = Rng(0x5eed_1234_abcd_ef01);
        for _ in 0..3000 {
            let n = 1 + (rng.next() % 5) as usize;
            let cells: Vec<u64> = (0..n).map(|_| rng.count()).collect();
            // Half the tables have cells hidden already by another table.
            let forced: Vec<bool> = (0..n).map(|_| rng.next().is_multiple_of(6)).collect();
            let w = one_way_with(&cells, &forced);
            for (i, f) in forced.iter().enumerate() {
                assert!(!f || w.cells[i], "a forced cell stays hidden");
            }
            for (i, n) in cells.iter().enumerate() {
                if is_small(*n) {
                    assert!(w.cells[i], "{cells:?}: a small cell is shown");
                }
            }
            let seen = feasible_values_one_way(&cells, &w);
            for (i, s) in seen.iter().enumerate() {
                assert!(s.contains(&cells[i]), "{cells:?}: the truth must fit");
                if w.cells[i] {
                    assert!(s.len() >= 2, "{cells:?} hidden {w:?}: cell {i} is {s:?}");
                }
            }
        }
    }

    /// Every value of the shared total and of each hidden cell that fits what
    /// several breakdowns show together, by enumeration: hidden cells of 1–4
    /// range over 1–4 (0–4 when the total is 1–4), other hidden cells over
    /// 0..=`cap`, a hidden total over `lo..=hi` capped the same way. The caps
    /// only drop candidates, so two values found here are two values for a
    /// reader without them.
    fn feasible_breakdowns(
        tables: &[Vec<u64>],
        w: &Breakdowns,
        lo: u64,
        hi: u64,
    ) -> (Values, Vec<Vec<Values>>) {
        let t: u64 = tables[0].iter().sum();
        let cap = t + 8;
        let small_group = is_small(t);
        let mut totals = Values::new();
        let mut cells: Vec<Vec<Values>> = tables
            .iter()
            .map(|c| vec![Values::new(); c.len()])
            .collect();
        let candidates: Vec<u64> = if small_group {
            (lo.max(1)..=hi.min(4)).collect()
        } else if w.total {
            (lo..=hi.min(cap)).collect()
        } else {
            vec![t]
        };
        for cand in candidates {
            // Each breakdown on its own, given the total.
            let mut per: Vec<Vec<Values>> = vec![];
            for (k, c) in tables.iter().enumerate() {
                let bounds: Vec<(u64, u64)> = c
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        if !w.tables[k].cells[i] {
                            (*n, *n)
                        } else if small_group {
                            (0, 4)
                        } else if is_small(*n) {
                            (1, 4)
                        } else {
                            (0, cap)
                        }
                    })
                    .collect();
                let mut seen = vec![Values::new(); c.len()];
                let mut cur = vec![0u64; c.len()];
                fn walk(
                    k: usize,
                    bounds: &[(u64, u64)],
                    cur: &mut Vec<u64>,
                    total: u64,
                    seen: &mut Vec<Values>,
                ) {
                    let sum: u64 = cur[..k].iter().sum();
                    if k == bounds.len() {
                        if sum == total {
                            for (s, v) in seen.iter_mut().zip(cur.iter()) {
                                s.insert(*v);
                            }
                        }
                        return;
                    }
                    for v in bounds[k].0..=bounds[k].1 {
                        if sum + v > total {
                            break;
                        }
                        cur[k] = v;
                        walk(k + 1, bounds, cur, total, seen);
                    }
                }
                walk(0, &bounds, &mut cur, cand, &mut seen);
                per.push(seen);
            }
            if per.iter().all(|seen| seen.iter().all(|s| !s.is_empty())) {
                totals.insert(cand);
                for (out, seen) in cells.iter_mut().zip(per) {
                    for (o, s) in out.iter_mut().zip(seen) {
                        o.extend(s);
                    }
                }
            }
        }
        (totals, cells)
    }

    #[test]
    fn breakdowns_of_one_total_protect_each_other_and_the_total() {
        // Five ones: the total goes, and the age bands beside it hide one
        // band so that it cannot be added back up.
        let w = breakdowns(&[vec![1, 1, 1, 1, 1], vec![3, 2]], &[], Total::Shown);
        assert!(w.total && !w.tight);
        assert!(w.tables[1].cells.iter().any(|h| *h));
        // 11 children, girls 7 and boys 4, ages 6 and 5: the usual complements.
        let w = breakdowns(&[vec![7, 4], vec![6, 5]], &[], Total::Shown);
        assert!(!w.total);
        assert_eq!(w.tables[0].cells, vec![true, true]);
        assert_eq!(w.tables[1].cells, vec![false, false]);
        // A hidden total of 12..=15 with sexes 7 | 4 and ages 10 | 3 shown
        // but for the small ones: 7 + (1..=4) and 10 + (1..=4) meet in 11..=11
        // → one more cell goes.
        let w = breakdowns(
            &[vec![7, 4], vec![10, 1]],
            &[],
            Total::Hidden { lo: 9, hi: 13 },
        );
        assert!(w.total);
        assert!(
            w.tables
                .iter()
                .map(|t| t.cells.iter().filter(|h| **h).count())
                .sum::<usize>()
                >= 3
        );
    }

    #[test]
    fn no_hidden_cell_or_total_of_several_breakdowns_can_be_worked_out() {
        let mut rng = Rng(0x0b5e_55ed_f00d_1e55);
        for _ in 0..1500 {
            let n = 1 + (rng.next() % 5) as usize;
            let first: Vec<u64> = (0..n).map(|_| rng.count()).collect();
            let t: u64 = first.iter().sum();
            if t > 24 {
                continue;
            }
            let mut tables = vec![first];
            for _ in 0..(rng.next() % 3) {
                // Another breakdown of the same children, often into small parts.
                let m = 1 + (rng.next() % 3) as usize;
                let mut left = t;
                let mut cells = vec![];
                for k in 0..m {
                    let x = if k + 1 == m {
                        left
                    } else {
                        rng.count().min(left)
                    };
                    left -= x;
                    cells.push(x);
                }
                tables.push(cells);
            }
            let forced: Vec<Vec<bool>> = tables
                .iter()
                .map(|c| c.iter().map(|_| rng.next().is_multiple_of(7)).collect())
                .collect();
            let given = if rng.next().is_multiple_of(5) {
                // Hidden, nothing known of it from elsewhere.
                Total::Hidden {
                    lo: 0,
                    hi: u64::MAX,
                }
            } else if rng.next().is_multiple_of(3) {
                let (a, b) = (rng.next() % 4, rng.next() % 4);
                Total::Hidden {
                    lo: t.saturating_sub(a),
                    hi: t + b + u64::from(a + b == 0),
                }
            } else {
                Total::Shown
            };
            let w = breakdowns(&tables, &forced, given);
            if matches!(given, Total::Hidden { .. }) || is_small(t) {
                assert!(w.total, "{tables:?}: a hidden total stays hidden");
            }
            for (k, c) in tables.iter().enumerate() {
                assert_eq!(w.tables[k].total, w.total);
                for (i, n) in c.iter().enumerate() {
                    if is_small(*n) || forced[k][i] {
                        assert!(w.tables[k].cells[i], "{tables:?}: {n} is shown");
                    }
                }
            }
            if w.tight {
                assert!(w.tables.iter().all(|x| x.cells.iter().all(|h| *h)));
                continue;
            }
            let (lo, hi) = match given {
                Total::Hidden { lo, hi } => (lo, hi),
                Total::Shown => (0, u64::MAX),
            };
            let (totals, cells) = feasible_breakdowns(&tables, &w, lo, hi);
            assert!(totals.contains(&t), "{tables:?}: the true total must fit");
            if w.total {
                assert!(totals.len() >= 2, "{tables:?} {w:?}: total is {totals:?}");
            }
            for (k, c) in tables.iter().enumerate() {
                for (i, n) in c.iter().enumerate() {
                    assert!(cells[k][i].contains(n), "{tables:?}: the truth must fit");
                    if w.tables[k].cells[i] {
                        assert!(
                            cells[k][i].len() >= 2,
                            "{tables:?} {w:?}: cell {k},{i} is {:?}",
                            cells[k][i]
                        );
                    }
                }
            }
        }
    }

    /// All tables that fit what a two-way table shows: the values each hidden
    /// cell and hidden total can take.
    fn feasible_two_way(
        cells: &[Vec<u64>],
        w: &TwoWay,
    ) -> (Vec<Vec<Values>>, Vec<Values>, Vec<Values>, Values) {
        use std::collections::BTreeSet;
        let r = cells.len();
        let c = cells[0].len();
        let rows: Vec<u64> = cells.iter().map(|x| x.iter().sum()).collect();
        let cols: Vec<u64> = (0..c).map(|j| cells.iter().map(|x| x[j]).sum()).collect();
        let total: u64 = rows.iter().sum();
        let cap = total.max(4);
        // The reader's bounds of every cell.
        let mut bounds = vec![vec![(0u64, 0u64); c]; r];
        for i in 0..r {
            for j in 0..c {
                let n = cells[i][j];
                bounds[i][j] = if !w.cells[i][j] {
                    (n, n)
                } else if is_small(total) || is_small(rows[i]) || is_small(cols[j]) {
                    (0, 4)
                } else if is_small(n) {
                    (1, 4)
                } else {
                    (0, cap)
                };
            }
        }
        let margin_ok = |shown: bool, truth: u64, v: u64| {
            if shown {
                v == truth
            } else if is_small(truth) {
                (1..=4).contains(&v)
            } else {
                true
            }
        };
        let mut cs = vec![vec![BTreeSet::new(); c]; r];
        let mut rs = vec![BTreeSet::new(); r];
        let mut ks = vec![BTreeSet::new(); c];
        let mut ts = BTreeSet::new();
        let mut cur = vec![vec![0u64; c]; r];
        #[allow(clippy::too_many_arguments)]
        fn walk(
            k: usize,
            r: usize,
            c: usize,
            bounds: &[Vec<(u64, u64)>],
            cur: &mut Vec<Vec<u64>>,
            check: &dyn Fn(&[Vec<u64>]) -> bool,
            prune: &Prune<'_>,
            out: &mut dyn FnMut(&[Vec<u64>]),
        ) {
            if k == r * c {
                if check(cur) {
                    out(cur);
                }
                return;
            }
            let (i, j) = (k / c, k % c);
            for v in bounds[i][j].0..=bounds[i][j].1 {
                cur[i][j] = v;
                if prune(cur, i, j) {
                    break;
                }
                walk(k + 1, r, c, bounds, cur, check, prune, out);
            }
            cur[i][j] = 0;
        }
        let rows_shown: Vec<bool> = w.rows.iter().map(|h| !h).collect();
        let cols_shown: Vec<bool> = w.cols.iter().map(|h| !h).collect();
        let total_shown = !w.total;
        let check = |t: &[Vec<u64>]| {
            let sum: u64 = t.iter().flatten().sum();
            (0..r).all(|i| margin_ok(rows_shown[i], rows[i], t[i].iter().sum()))
                && (0..c).all(|j| margin_ok(cols_shown[j], cols[j], t.iter().map(|x| x[j]).sum()))
                && (!total_shown || sum == total)
        };
        // Partial sums over shown totals may not pass them.
        let prune = |t: &[Vec<u64>], i: usize, j: usize| {
            (rows_shown[i] && t[i].iter().sum::<u64>() > rows[i])
                || (cols_shown[j] && t.iter().map(|x| x[j]).sum::<u64>() > cols[j])
                || (total_shown && t.iter().flatten().sum::<u64>() > total)
        };
        let mut out = |t: &[Vec<u64>]| {
            for i in 0..r {
                rs[i].insert(t[i].iter().sum());
                for j in 0..c {
                    cs[i][j].insert(t[i][j]);
                }
            }
            for j in 0..c {
                ks[j].insert(t.iter().map(|x| x[j]).sum());
            }
            ts.insert(t.iter().flatten().sum());
        };
        walk(0, r, c, &bounds, &mut cur, &check, &prune, &mut out);
        (cs, rs, ks, ts)
    }

    #[test]
    fn no_hidden_cell_of_a_two_way_table_can_be_worked_out() {
        let mut rng = Rng(0x0dd_ba11_cafe_f00d);
        for _ in 0..400 {
            let r = 1 + (rng.next() % 3) as usize;
            let c = 1 + (rng.next() % 3) as usize;
            let cells: Vec<Vec<u64>> = (0..r)
                .map(|_| (0..c).map(|_| rng.count()).collect())
                .collect();
            let rows_forced: Vec<bool> = (0..r).map(|_| rng.next().is_multiple_of(6)).collect();
            let cols_forced: Vec<bool> = (0..c).map(|_| rng.next().is_multiple_of(6)).collect();
            let total_forced = rng.next().is_multiple_of(8);
            let w = two_way_hiding(&cells, &rows_forced, &cols_forced, total_forced);
            assert!(!total_forced || w.total, "a forced total stays hidden");
            assert!(rows_forced.iter().zip(&w.rows).all(|(f, h)| !f || *h));
            assert!(cols_forced.iter().zip(&w.cols).all(|(f, h)| !f || *h));
            for i in 0..r {
                for j in 0..c {
                    if is_small(cells[i][j]) {
                        assert!(w.cells[i][j], "{cells:?}: a small cell is shown");
                    }
                }
            }
            let (cs, rs, ks, ts) = feasible_two_way(&cells, &w);
            let total: u64 = cells.iter().flatten().sum();
            assert!(ts.contains(&total), "{cells:?}: the true total must fit");
            if w.total {
                assert!(ts.len() >= 2, "{cells:?} {w:?}: the total is {ts:?}");
            }
            for i in 0..r {
                for j in 0..c {
                    assert!(
                        cs[i][j].contains(&cells[i][j]),
                        "{cells:?}: the truth must fit"
                    );
                    if w.cells[i][j] {
                        assert!(
                            cs[i][j].len() >= 2,
                            "{cells:?} hidden {w:?}: cell {i},{j} is {:?}",
                            cs[i][j]
                        );
                    }
                }
                if w.rows[i] {
                    assert!(rs[i].len() >= 2, "{cells:?} {w:?}: row total {i}");
                }
            }
            for (j, (hidden, values)) in w.cols.iter().zip(&ks).enumerate() {
                if *hidden {
                    assert!(values.len() >= 2, "{cells:?} {w:?}: column total {j}");
                }
            }
        }
    }

    #[test]
    fn ages_are_cut_at_every_range_end() {
        let a = AgeAtoms::cut(6, 15, &[(6, 10), (11, 15), (7, 15)]);
        assert_eq!(a.atoms, [(6, 6), (7, 10), (11, 15)]);
        assert_eq!(a.within(7, 15), [1, 2]);
        assert_eq!(a.within(6, 10), [0, 1]);
        let b = AgeAtoms::cut(6, 15, &[(9, 12)]);
        assert_eq!(b.atoms, [(6, 8), (9, 12), (13, 15)]);
        let by_age = std::collections::BTreeMap::from([(6, 2), (9, 1), (12, 4), (15, 7)]);
        assert_eq!(b.sum(&by_age), [2, 5, 7]);
        assert_eq!(AgeAtoms::cut(6, 15, &[]).atoms, [(6, 15)]);
    }

    #[test]
    fn an_overlapping_range_does_not_give_a_band_away() {
        // 6: 3 answers, 7–10: 20, 11–15: 30, no age: 10. The bands 6–10 and
        // 11–15 beside 7–15 would give age 6 away by subtraction.
        let atoms = AgeAtoms::cut(6, 15, &[(6, 10), (11, 15), (7, 15)]);
        let m = age_ranges(&[3, 20, 30, 10], &[]);
        assert!(m.cells.tables[0].hidden(0), "age 6 (3) hidden");
        let hidden: Vec<usize> = (0..4).filter(|i| m.cells.tables[0].hidden(*i)).collect();
        assert!(hidden.len() >= 2, "with a complement: {hidden:?}");
        // The whole is shown: it holds every hidden atom.
        assert!(m.shows(&[0, 1, 2, 3]));
        // 6–10 and 7–15 cannot both be shown beside the total.
        let band = atoms.within(6, 10);
        let range = atoms.within(7, 15);
        assert!(!(m.shows(&band) && m.shows(&range)));
    }

    #[test]
    fn nothing_hidden_shows_every_range() {
        let m = age_ranges(&[10, 20, 30, 0], &[vec![25, 35]]);
        assert!(m.shows(&[0]) && m.shows(&[1, 2]) && m.shows(&[0, 1, 2, 3]));
    }

    /// Brute force over small cases: whatever is shown (the total, the atoms
    /// shown, every range [`AgeRanges::shows`] allows), every hidden atom
    /// keeps at least two values that fit it all.
    #[test]
    fn no_hidden_atom_is_pinned_by_the_ranges_shown() {
        let ranges = [(6, 10), (11, 15), (7, 15), (9, 12), (6, 8)];
        let atoms = AgeAtoms::cut(6, 15, &ranges);
        let n = atoms.atoms.len();
        // Every range and band as atoms, plus "no age" (index n) with each.
        let mut unions: Vec<Vec<usize>> =
            ranges.iter().map(|(l, h)| atoms.within(*l, *h)).collect();
        for u in unions.clone() {
            let mut w = u.clone();
            w.push(n);
            unions.push(w);
        }
        unions.push((0..=n).collect());
        // Cases: each atom and "no age" in 0..=5 would be 6^(n+1); sample a
        // deterministic grid instead.
        let mut seed: u64 = 7;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..300 {
            let cells: Vec<u64> = (0..=n).map(|_| next(9)).collect();
            let m = age_ranges(&cells, &[]);
            if m.cells.total {
                continue;
            }
            let t = &m.cells.tables[0];
            let shown_unions: Vec<&Vec<usize>> = unions.iter().filter(|u| m.shows(u)).collect();
            let hidden: Vec<usize> = (0..=n).filter(|i| t.hidden(*i)).collect();
            let total: u64 = cells.iter().sum();
            // Every assignment of the hidden cells in 0..=total that fits.
            let mut fits: Vec<Vec<u64>> = vec![];
            let mut alt = cells.clone();
            fn walk(
                k: usize,
                hidden: &[usize],
                alt: &mut Vec<u64>,
                total: u64,
                check: &dyn Fn(&[u64]) -> bool,
                out: &mut Vec<Vec<u64>>,
            ) {
                if k == hidden.len() {
                    if check(alt) {
                        out.push(alt.clone());
                    }
                    return;
                }
                for v in 0..=total {
                    alt[hidden[k]] = v;
                    walk(k + 1, hidden, alt, total, check, out);
                }
            }
            let check = |x: &[u64]| {
                x.iter().sum::<u64>() == total
                    && shown_unions.iter().all(|u| {
                        u.iter().map(|i| x[*i]).sum::<u64>()
                            == u.iter().map(|i| cells[*i]).sum::<u64>()
                    })
            };
            walk(0, &hidden, &mut alt, total, &check, &mut fits);
            for h in &hidden {
                let values: std::collections::BTreeSet<u64> = fits.iter().map(|x| x[*h]).collect();
                assert!(
                    values.len() >= 2,
                    "cells {cells:?}: atom {h} pinned to {values:?}"
                );
            }
        }
    }
}

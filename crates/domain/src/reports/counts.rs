//! Publishing counts of reports of concern without revealing small numbers
//! (issue #13, R2). A count from 1 to 4 is shown as «færre enn 5»
//! ([`Cell::Suppressed`], primary suppression). A table also shows its sum,
//! so one suppressed cell could be worked out as the sum minus the other
//! cells, and a few could be pinned down (two suppressed cells whose sum is
//! 2 are both 1): while any suppressed cell can be worked out exactly, the
//! smallest shown cell is hidden as well ([`Cell::Hidden`], secondary
//! suppression), and if no cell is left to hide, the sum is hidden.
//!
//! The rule is decided by what an onlooker can compute: each suppressed
//! cell lies in 1..=4, each hidden cell is 0 or at least 5 (what it would
//! have shown otherwise), the sum is known; a suppressed cell is exposed
//! when only one value fits.

/// Counts of 1 up to this (exclusive) are not shown.
pub const THRESHOLD: u64 = 5;

/// One published count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Shown(u64),
    /// 1–4: «færre enn 5».
    Suppressed,
    /// Hidden so that a suppressed cell cannot be worked out from the sum.
    Hidden,
}

impl Cell {
    /// The number, when shown.
    pub fn shown(self) -> Option<u64> {
        match self {
            Self::Shown(n) => Some(n),
            Self::Suppressed | Self::Hidden => None,
        }
    }
}

/// A table of counts as published: its cells and its sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub cells: Vec<Cell>,
    pub total: Cell,
}

fn small(n: u64) -> bool {
    (1..THRESHOLD).contains(&n)
}

/// The values an onlooker cannot tell apart, as sums reachable by `cells`
/// (suppressed 1..=4, hidden 0 or ≥ 5) up to `max`.
fn reachable(cells: &[Cell], max: usize) -> Vec<bool> {
    let mut reach = vec![false; max + 1];
    reach[0] = true;
    for cell in cells {
        let mut next = vec![false; max + 1];
        match cell {
            Cell::Shown(_) => continue,
            Cell::Suppressed => {
                for (s, slot) in next.iter_mut().enumerate() {
                    *slot = (1..THRESHOLD as usize).any(|v| s >= v && reach[s - v]);
                }
            }
            Cell::Hidden => {
                let mut any_up_to = false;
                for s in 0..=max {
                    // reach[s - 5] joins the prefix once s ≥ 5.
                    if s >= THRESHOLD as usize && reach[s - THRESHOLD as usize] {
                        any_up_to = true;
                    }
                    next[s] = reach[s] || any_up_to;
                }
            }
        }
        reach = next;
    }
    reach
}

/// Whether some suppressed cell of `cells` can be worked out from the sum
/// `total` and the shown cells.
fn exposed(cells: &[Cell], total: u64) -> bool {
    let shown: u64 = cells.iter().filter_map(|c| c.shown()).sum();
    let rest = total.saturating_sub(shown) as usize;
    (0..cells.len())
        .filter(|&i| cells[i] == Cell::Suppressed)
        .any(|i| {
            let others: Vec<Cell> = cells
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| *c)
                .collect();
            let reach = reachable(&others, rest);
            let fits = (1..THRESHOLD as usize)
                .filter(|v| *v <= rest && reach[rest - v])
                .count();
            fits <= 1
        })
}

/// Publishes `values` (one table) and their sum with small numbers
/// suppressed so that none can be worked out.
pub fn publish(values: &[u64]) -> Published {
    let total: u64 = values.iter().sum();
    let mut cells: Vec<Cell> = values
        .iter()
        .map(|&v| {
            if small(v) {
                Cell::Suppressed
            } else {
                Cell::Shown(v)
            }
        })
        .collect();
    if small(total) {
        // Every cell is 0 or suppressed; the sum says no more than they do.
        return Published {
            cells,
            total: Cell::Suppressed,
        };
    }
    while exposed(&cells, total) {
        // The smallest shown count that is not 0, else a 0.
        let next = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.shown().map(|v| (v == 0, v, i)))
            .min();
        match next {
            Some((_, _, i)) => cells[i] = Cell::Hidden,
            None => {
                return Published {
                    cells,
                    total: Cell::Hidden,
                };
            }
        }
    }
    Published {
        cells,
        total: Cell::Shown(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Hidden, Shown, Suppressed};

    #[test]
    fn nothing_small_shows_everything() {
        assert_eq!(
            publish(&[0, 5, 12]),
            Published {
                cells: vec![Shown(0), Shown(5), Shown(12)],
                total: Shown(17)
            }
        );
    }

    #[test]
    fn one_small_cell_takes_the_next_smallest_with_it() {
        // 3 alone would be 20 − 5 − 12.
        let p = publish(&[3, 5, 12]);
        assert_eq!(p.cells, vec![Suppressed, Hidden, Shown(12)]);
        assert_eq!(p.total, Shown(20));
    }

    #[test]
    fn two_ones_are_not_left_to_be_worked_out() {
        // Two suppressed cells summing to 2 would both be 1.
        let p = publish(&[1, 1, 10]);
        assert_eq!(p.cells, vec![Suppressed, Suppressed, Hidden]);
        assert_eq!(p.total, Shown(12));
        // Two fours sum to 8: both 4, unless something else is hidden.
        let p = publish(&[4, 4, 0, 9]);
        assert_ne!(p.cells[2..], [Shown(0), Shown(9)]);
    }

    #[test]
    fn a_small_total_is_suppressed_and_zeros_stay() {
        let p = publish(&[0, 3, 0]);
        assert_eq!(p.cells, vec![Shown(0), Suppressed, Shown(0)]);
        assert_eq!(p.total, Suppressed);
    }

    #[test]
    fn no_suppressed_cell_can_be_worked_out() {
        // Every table of three cells up to 9, against every table up to 20
        // an onlooker could take it for: each suppressed cell keeps at
        // least two possible values.
        let fits = |cell: Cell, v: u64| match cell {
            Shown(n) => v == n,
            Suppressed => small(v),
            Hidden => v == 0 || v >= THRESHOLD,
        };
        for a in 0..10 {
            for b in 0..10 {
                for c in 0..10 {
                    let values = [a, b, c];
                    let p = publish(&values);
                    for (cell, v) in p.cells.iter().zip(values) {
                        assert!(fits(*cell, v), "{values:?} → {p:?}");
                    }
                    let mut seen: [std::collections::BTreeSet<u64>; 3] = Default::default();
                    for x in 0..=20 {
                        for y in 0..=20 {
                            for z in 0..=20 {
                                let guess = [x, y, z];
                                let sum = x + y + z;
                                let total_fits = match p.total {
                                    Shown(t) => sum == t,
                                    Suppressed => small(sum),
                                    Hidden => true,
                                };
                                if total_fits && p.cells.iter().zip(guess).all(|(c, v)| fits(*c, v))
                                {
                                    for (set, v) in seen.iter_mut().zip(guess) {
                                        set.insert(v);
                                    }
                                }
                            }
                        }
                    }
                    for (i, (cell, set)) in p.cells.iter().zip(&seen).enumerate() {
                        if *cell == Suppressed {
                            assert!(set.len() >= 2, "{values:?} → {p:?}: cell {i}");
                        }
                    }
                }
            }
        }
    }
}

//! Sums that can take a part back: what the kept fold needs when a counted measure is corrected or
//! retracted, without keeping every figure that went into a sum. A [`Tally`] gives the same
//! [`Figure`] as adding its parts one by one, whatever was added and taken back on the way.

use std::collections::BTreeMap;

use super::figure::Figure;
use crate::{ids::Metric, quantity::Approx, quantity::Precision};

/// A sum of figures: their total, how many of each precision, and the words of each (only one
/// figure's words are ever printed: a sum of one figure is printed as said).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Tally {
    /// Wrapping, so that taking back is exact; a real sum never comes near `u64::MAX`.
    value: u64,
    /// Parts per precision: exact, about, at least, range.
    parts: [u32; 4],
    /// The words of the parts (`None`: a part counted as one, not said), and how many said them.
    said: BTreeMap<Option<String>, u32>,
}

fn slot(p: Precision) -> usize {
    match p {
        Precision::Exact => 0,
        Precision::About => 1,
        Precision::AtLeast => 2,
        Precision::Range => 3,
    }
}

const PRECISIONS: [Precision; 4] = [Precision::Exact, Precision::About, Precision::AtLeast, Precision::Range];

impl Tally {
    /// Adds (`+1`) or takes back (`-1`) a reported figure.
    pub fn count(&mut self, a: &Approx, sign: i8) {
        self.part(a.value(), a.precision(), Some(a.said()), sign);
    }

    /// Adds or takes back one occurrence counted as an exact 1 (a dialogue towards a target).
    pub fn one(&mut self, sign: i8) {
        self.part(1, Precision::Exact, None, sign);
    }

    fn part(&mut self, value: u64, precision: Precision, said: Option<&str>, sign: i8) {
        let said = said.map(str::to_owned);
        if sign >= 0 {
            self.value = self.value.wrapping_add(value);
            self.parts[slot(precision)] += 1;
            *self.said.entry(said).or_default() += 1;
        } else {
            self.value = self.value.wrapping_sub(value);
            self.parts[slot(precision)] = self.parts[slot(precision)].saturating_sub(1);
            if let Some(n) = self.said.get_mut(&said) {
                *n -= 1;
                if *n == 0 {
                    self.said.remove(&said);
                }
            }
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, o: &Tally) {
        self.value = self.value.wrapping_add(o.value);
        for (a, b) in self.parts.iter_mut().zip(o.parts) {
            *a += b;
        }
        for (k, n) in &o.said {
            *self.said.entry(k.clone()).or_default() += n;
        }
    }

    /// How many parts it holds.
    pub fn len(&self) -> u32 {
        self.parts.iter().sum()
    }

    /// The sum, as [`Figure::add`] and [`Figure::add_figure`] give it part by part.
    pub fn figure(&self) -> Figure {
        let has = |p: Precision| self.parts[slot(p)] > 0;
        match self.len() {
            0 => Figure::default(),
            1 => {
                let precision = PRECISIONS.into_iter().find(|p| has(*p));
                let said = self.said.keys().next().cloned().flatten();
                Figure::from_parts(self.value, precision, said)
            }
            _ => {
                let precision = if has(Precision::About) || has(Precision::Range) {
                    Precision::About
                } else if has(Precision::AtLeast) {
                    Precision::AtLeast
                } else {
                    Precision::Exact
                };
                Figure::from_parts(self.value, Some(precision), None)
            }
        }
    }
}

/// Sub-counts ("of which first-time users: 3") that can be taken back: a key is listed while
/// some part still reports it, as adding the parts one by one would list it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SubCounts(BTreeMap<Metric, (u64, u32)>);

impl SubCounts {
    pub fn count(&mut self, sub: &BTreeMap<Metric, u64>, sign: i8) {
        for (k, v) in sub {
            let e = self.0.entry(k.clone()).or_default();
            if sign >= 0 {
                *e = (e.0.wrapping_add(*v), e.1 + 1);
            } else {
                *e = (e.0.wrapping_sub(*v), e.1.saturating_sub(1));
                if e.1 == 0 {
                    self.0.remove(k);
                }
            }
        }
    }

    /// The sum of one key.
    pub fn get(&self, k: &Metric) -> u64 {
        self.0.get(k).map_or(0, |(v, _)| *v)
    }

    /// As the summary lists them.
    pub fn sums(&self) -> BTreeMap<Metric, u64> {
        self.0.iter().map(|(k, (v, _))| (k.clone(), *v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn figure() -> impl Strategy<Value = Approx> {
        prop_oneof![
            (0u64..50).prop_map(|n| n.to_string()),
            (0u64..50).prop_map(|n| format!("ca {n}")),
            (0u64..50).prop_map(|n| format!("minst {n}")),
            (1u64..5).prop_map(|n| format!("ett {n}0-tal")),
            (0u64..20).prop_map(|n| format!("{n}-{}", n + 5)),
        ]
        .prop_map(|s| s.parse().expect("a figure"))
    }

    proptest! {
        /// Whatever is added and taken back, the tally is the figure of what remains, added part
        /// by part (`None`: an occurrence counted as one).
        #[test]
        fn a_tally_is_the_sum_of_what_remains(
            parts in proptest::collection::vec(proptest::option::weighted(0.8, figure()), 0..12),
            back in proptest::collection::vec(any::<bool>(), 12),
        ) {
            let mut t = Tally::default();
            for p in &parts {
                match p { Some(a) => t.count(a, 1), None => t.one(1) }
            }
            let mut remaining = Figure::default();
            for (p, gone) in parts.iter().zip(&back) {
                match (p, gone) {
                    (Some(a), true) => t.count(a, -1),
                    (None, true) => t.one(-1),
                    (Some(a), false) => remaining.add(a),
                    (None, false) => remaining.add_figure(Figure::exact(1)),
                }
            }
            prop_assert_eq!(t.figure(), remaining);
        }
    }
}

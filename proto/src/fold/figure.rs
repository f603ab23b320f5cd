//! Sums of figures that remember how exact they are: "ca 35" + 12 is "ca 47", "minst 8" +
//! "minst 5" is "minst 13". A sum is only as exact as its least exact part. A single figure is
//! printed as it was said ("ett 10-tal", "15-20").

use std::fmt;

use serde::{Serialize, Serializer};

use crate::quantity::{Approx, Precision};

/// A counted total and how exact it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figure {
    pub value: u64,
    /// `Exact`, `AtLeast` (some part was "minst …") or `About` (some part was approximate).
    pub precision: Option<Precision>,
    /// The words of the one figure reported, while there is only one: printed as said.
    said: Option<String>,
}

impl Figure {
    /// An exact count.
    pub fn exact(value: u64) -> Self {
        Figure { value, precision: Some(Precision::Exact), said: None }
    }

    /// Adds a reported figure.
    pub fn add(&mut self, a: &Approx) {
        let first = self.is_empty();
        self.add_figure(Figure { value: a.value(), precision: Some(a.precision()), said: None });
        self.said = first.then(|| a.said().to_owned());
    }

    /// Adds another sum.
    pub fn add_figure(&mut self, o: Figure) {
        self.said = None;
        self.value = self.value.saturating_add(o.value);
        self.precision = match (self.precision, o.precision) {
            (None, p) | (p, None) => p,
            (Some(Precision::About | Precision::Range), _) | (_, Some(Precision::About | Precision::Range)) => {
                Some(Precision::About)
            }
            (Some(Precision::AtLeast), _) | (_, Some(Precision::AtLeast)) => Some(Precision::AtLeast),
            _ => Some(Precision::Exact),
        };
    }

    /// A sum as a [`super::tally::Tally`] gives it.
    pub(super) fn from_parts(value: u64, precision: Option<Precision>, said: Option<String>) -> Self {
        Figure { value, precision, said }
    }

    /// Whether anything was added.
    pub fn is_empty(&self) -> bool {
        self.precision.is_none()
    }
}

impl fmt::Display for Figure {
    /// In Swedish, as the report prints it: `47`, `ca 47`, `minst 47` — or the one figure
    /// reported, as said.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(said) = &self.said {
            return f.write_str(said);
        }
        match self.precision {
            Some(Precision::About | Precision::Range) => write!(f, "ca {}", self.value),
            Some(Precision::AtLeast) => write!(f, "minst {}", self.value),
            _ => write!(f, "{}", self.value),
        }
    }
}

impl Serialize for Figure {
    /// `{"value": 47, "text": "ca 47"}`: the number to count with and the words to print.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Figure", 2)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("text", &self.to_string())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(parts: &[&str]) -> String {
        let mut f = Figure::default();
        for p in parts {
            f.add(&p.parse().unwrap());
        }
        f.to_string()
    }

    #[test]
    fn a_sum_is_as_exact_as_its_least_exact_part() {
        assert_eq!(sum(&["12", "30"]), "42");
        assert_eq!(sum(&["ca 35", "12"]), "ca 47");
        assert_eq!(sum(&["minst 8", "minst 5", "minst 5"]), "minst 18");
        assert_eq!(sum(&["minst 8", "ett 20-tal"]), "ca 28");
        assert_eq!(sum(&["15-20", "3"]), "ca 18");
        // One figure alone is printed as it was said.
        assert_eq!(sum(&["ett 10-tal"]), "ett 10-tal");
        assert_eq!(sum(&["15-20"]), "15-20");
        assert_eq!(sum(&["ett 10-tal", "2"]), "ca 12");
        assert!(Figure::default().is_empty());
    }
}

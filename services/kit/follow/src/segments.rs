//! Segments: how the views store events. A segment holds the events of one plan and one ledger
//! applied in one batch, each prefixed by its length (`u32`, big-endian) and concatenated, at most
//! `SEGMENT_BYTES` before compression; it is stored compressed with LZ4. Both pay: a replay
//! writes one sled value per plan and 32 KiB instead of one per event, and a quarter of the bytes
//! (docs/benchmarks.md). A batch's segments are built as its messages are staged, so a message
//! is dropped once its event is copied.

/// The largest segment written, in bytes (unless one event is larger): sled keeps a value over a
/// quarter of its 512 KiB segment as a file of its own.
const SEGMENT_BYTES: usize = 32 * 1024;

/// The segments of one (plan, ledger) in a batch.
#[derive(Debug)]
pub(crate) struct Run {
    pub plan: String,
    pub ledger: String,
    /// Each segment: the seq of its first event, and its events.
    pub segments: Vec<(u64, Vec<u8>)>,
}

/// The events of one batch, built into segments as they are staged.
#[derive(Debug, Default)]
pub struct Segments {
    runs: Vec<Run>,
    /// The last seq added per ledger.
    last: Vec<(String, u64)>,
    events: usize,
}

impl Segments {
    /// Adds `event`, the next of `ledger` (seq `seq`), to the plan's segments.
    pub fn push(&mut self, ledger: &str, plan: &str, seq: u64, event: &[u8]) {
        // A batch holds one or a few (plan, ledger) runs: the one added to last is found first.
        let run = match self.runs.iter().rposition(|r| r.ledger == ledger && r.plan == plan) {
            Some(i) => &mut self.runs[i],
            None => {
                self.runs.push(Run { plan: plan.to_owned(), ledger: ledger.to_owned(), segments: vec![] });
                self.runs.last_mut().expect("just pushed")
            }
        };
        match run.segments.last_mut() {
            Some((_, seg)) if seg.len() + 4 + event.len() <= SEGMENT_BYTES => append(seg, event),
            _ => {
                let mut seg = vec![];
                append(&mut seg, event);
                run.segments.push((seq, seg));
            }
        }
        match self.last.iter_mut().find(|(l, _)| l == ledger) {
            Some((_, s)) => *s = seq,
            None => self.last.push((ledger.to_owned(), seq)),
        }
        self.events += 1;
    }

    /// How many events were added.
    pub fn len(&self) -> usize {
        self.events
    }

    pub fn is_empty(&self) -> bool {
        self.events == 0
    }

    /// The runs, and the last seq added per ledger.
    pub(crate) fn into_parts(self) -> (Vec<Run>, Vec<(String, u64)>) {
        (self.runs, self.last)
    }
}

fn append(seg: &mut Vec<u8>, event: &[u8]) {
    seg.extend_from_slice(&(event.len() as u32).to_be_bytes());
    seg.extend_from_slice(event);
}

/// A segment as stored: its size (`u32`, little-endian), then the segment compressed with LZ4
/// (JSON events shrink about fourfold).
pub(crate) fn compress(segment: &[u8]) -> Vec<u8> {
    lz4_flex::compress_prepend_size(segment)
}

/// A stored segment's events, concatenated as in `append`.
pub(crate) fn decompress(stored: &[u8]) -> Result<Vec<u8>, SegmentError> {
    Ok(lz4_flex::decompress_size_prepended(stored)?)
}

/// A stored segment that cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("a segment does not decompress: {0}")]
    Decompress(#[from] lz4_flex::block::DecompressError),
    #[error("a truncated segment")]
    Truncated,
}

/// The events of a decompressed segment.
pub(crate) fn events(segment: &[u8]) -> impl Iterator<Item = Result<&[u8], SegmentError>> {
    let mut rest = segment;
    std::iter::from_fn(move || {
        if rest.len() < 4 {
            return None;
        }
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        match rest.get(4..4 + len) {
            Some(event) => {
                rest = &rest[4 + len..];
                Some(Ok(event))
            }
            None => {
                rest = &[];
                Some(Err(SegmentError::Truncated))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(segment: &[u8]) -> Vec<&[u8]> {
        events(segment).collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn segments_round_trip() {
        let evs = [&br#"{"seq":1}"#[..], br#"{"seq":2,"text":"Trygghetsvandring i Ekhagen"}"#];
        let mut s = Segments::default();
        for (i, e) in evs.iter().enumerate() {
            s.push("eksjo", "eksjo-2017", i as u64 + 1, e);
        }
        assert_eq!(s.len(), 2);
        let (runs, last) = s.into_parts();
        assert_eq!(last, vec![("eksjo".to_owned(), 2)]);
        let [run] = &runs[..] else { panic!("one run") };
        let [(first, segment)] = &run.segments[..] else { panic!("one segment") };
        assert_eq!(*first, 1);
        assert_eq!(all(&decompress(&compress(segment)).unwrap()), evs);
        assert!(decompress(&[9, 9, 9]).is_err(), "a damaged segment is an error, not a panic");
        assert!(events(&segment[..segment.len() - 1]).any(|e| e.is_err()), "a truncated segment is an error");
    }

    #[test]
    fn a_batch_splits_into_runs_per_plan_and_ledger_and_segments_of_bounded_size() {
        let big = vec![b'x'; 10_000];
        let mut s = Segments::default();
        for seq in 1..=7 {
            s.push("eksjo", "eksjo-2017", seq, &big);
            s.push("jkpg", "jonkoping-2022", seq + 100, b"{}");
        }
        let (runs, mut last) = s.into_parts();
        last.sort();
        assert_eq!(last, vec![("eksjo".to_owned(), 7), ("jkpg".to_owned(), 107)]);
        let firsts: Vec<u64> = runs[0].segments.iter().map(|(f, _)| *f).collect();
        // Three events of 10,004 bytes fit in 32 KiB.
        assert_eq!(firsts, vec![1, 4, 7]);
        assert!(runs[0].segments.iter().all(|(_, seg)| seg.len() <= SEGMENT_BYTES));
        assert_eq!(runs[1].segments.len(), 1);
        assert_eq!(all(&runs[1].segments[0].1).len(), 7);
    }
}

//! CPU time of a process, for benchmarks that report what their work costs as well as how fast
//! it ran.

/// CPU time (user + system) process `pid` has used so far, in seconds: `/proc/<pid>/stat`, in
/// ticks of 1/100 s (USER_HZ on Linux). `"self"` is this process. 0 where it cannot be read.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may contain spaces: utime
    // and stime are the 14th and 15th of the line, the 12th and 13th after the name.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    ticks.get(11).zip(ticks.get(12)).map_or(0.0, |(u, s)| (u + s) / 100.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_used_some_cpu_and_a_missing_one_none() {
        let spin = std::time::Instant::now();
        while spin.elapsed() < std::time::Duration::from_millis(50) {
            std::hint::black_box(0);
        }
        assert!(super::cpu_seconds("self") > 0.0);
        assert_eq!(super::cpu_seconds("no-such-process"), 0.0);
    }
}

//! Every command and every option says what it is for: checked over the whole command tree, so a
//! new option without a help text fails the build's tests.

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::super::Cli;

    /// Every argument of `cmd` and its subcommands without a help text, and every help text that
    /// says the same thing twice, as "path --arg: why".
    fn missing(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            match arg.get_help().map(|h| h.to_string()) {
                None => out.push(format!("{path} --{id}: no help")),
                Some(h) => {
                    // "The tertial, e.g. 2022-T1. The tertial, e.g. 2024-T1.": a sentence begun twice.
                    let starts: Vec<&str> = h.split(". ").map(|s| s.split(',').next().unwrap_or(s).trim()).collect();
                    if (1..starts.len()).any(|i| starts[..i].contains(&starts[i])) {
                        out.push(format!("{path} --{id}: says it twice: {h:?}"));
                    }
                }
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() {
                out.push(format!("{path} {}: no about", sub.get_name()));
            }
            missing(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_option_of_every_command_has_its_own_help() {
        let mut out = vec![];
        missing(&Cli::command(), "lofte", &mut out);
        assert!(out.is_empty(), "{}", out.join("\n"));
    }
}

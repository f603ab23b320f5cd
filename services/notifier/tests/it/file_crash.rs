//! The file transport is exactly once even across a crash: the real `lofte-notifier`, writing
//! mails as files, is SIGKILLed again and again in the middle of a tick's batch and restarted; in
//! the end every mail is there, no Message-ID is written twice, no file is torn, and each mail has
//! one `reminder_sent`.

use std::{collections::BTreeSet, path::Path, time::Duration};

use lofte_test_support::ServiceProcess;

use super::stack::{head, message_ids_in, reminders_recorded, stack_of, tick, wait_applied};

/// Plans in the ledger: 12 × 5 reporters = 60 mails per occasion, a batch long enough to kill.
const COPIES: usize = 12;
/// Kills per occasion, each as soon as a new mail file has appeared.
const KILLS: usize = 3;

fn start(bin: &Path, args: &[&str], mail: &Path, log: &Path) -> ServiceProcess {
    let env = [("LOFTE__NOTIFIER__MAIL_DIR", mail.to_str().unwrap())];
    ServiceProcess::start_logged(bin, args, &env, log).unwrap()
}

/// Returns as soon as `dir` holds more than `n` mail files: checked every millisecond, so the
/// kill that follows lands right after a mail was written, where a crash can still lose the
/// notifier's record of it. Fails after 20 s.
async fn until_more_mail_files_than(dir: &Path, n: usize) {
    let count = || {
        std::fs::read_dir(dir).map_or(0, |d| {
            d.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))).count()
        })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while count() <= n {
        assert!(tokio::time::Instant::now() < deadline, "no new mail file in {}", dir.display());
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_tick_the_file_transport_writes_each_mail_once() {
    let st = stack_of(COPIES).await;
    let dir = tempfile::tempdir().unwrap();
    let (mail, log) = (dir.path().join("mail"), dir.path().join("notifier.log"));
    let bin = Path::new(env!("CARGO_BIN_EXE_lofte-notifier"));
    let data = dir.path().join("notifier");
    let args = st.process_args(&data);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let per_occasion = st.reminders_per_occasion();
    let (mut expected, mut interrupted) = (0, 0);
    let mut applied = head(&st.ledger).await;
    for day in ["2022-05-02", "2022-05-13", "2022-05-16"] {
        expected += per_occasion;
        for _ in 0..KILLS {
            let ids = message_ids_in(&mail);
            if ids.iter().collect::<BTreeSet<_>>().len() == expected {
                break;
            }
            let before = ids.len();
            let mut p = start(bin, &args, &mail, &log);
            wait_applied(&p.url, applied).await;
            // Restarted, it resumes its durable consumer: nothing more to apply.
            applied = 0;
            let url = p.url.clone();
            let now = format!("{day}T06:00:00Z");
            let ticking =
                tokio::spawn(
                    async move { reqwest::Client::new().post(format!("{url}/v1/tick?now={now}")).send().await },
                );
            until_more_mail_files_than(&mail, before).await;
            p.kill();
            let _ = ticking.await;
        }
        // Restarted once more, it finishes the day's batch.
        let p = start(bin, &args, &mail, &log);
        wait_applied(&p.url, 0).await;
        let r = tick(&p.url, &format!("{day}T07:00:00Z")).await;
        assert_eq!(r["failed"], 0, "{r}");
        if r["sent"].as_u64().unwrap() > 0 {
            interrupted += 1;
        }
    }
    assert!(interrupted > 0, "no kill landed in the middle of a batch, so this run proves nothing");
    let ids = message_ids_in(&mail);
    let distinct: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(distinct.len(), expected, "no mail missed");
    assert_eq!(ids.len(), expected, "no Message-ID written twice");
    let recorded = reminders_recorded(&st.ledger).await;
    assert_eq!(recorded.len(), expected, "exactly one reminder_sent per mail");
    let recorded_ids: BTreeSet<String> =
        recorded.iter().map(|e| e["data"]["message_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(recorded_ids, distinct);
}

//! People out of the log (ADR 0017): the mails go to the addresses of the people directory, the
//! recorded `reminder_sent` events name people by id only, and a person erased from the directory
//! gets no mail from the next tick on.

use serde_json::Value;

use super::stack::{notifier, reminders_recorded, stack, tick};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_reporter_gets_no_more_mail_and_the_log_names_no_address() {
    let st = stack().await;
    let reporters = st.reporters();
    let (url, cancel, task) = notifier(&st.settings, 37).await;
    let r = tick(&url, "2022-05-02T08:00:00Z").await;
    assert_eq!(r["sent"], reporters, "{r}");
    let recorded = reminders_recorded(&st.ledger).await;
    assert_eq!(recorded.len(), reporters);
    let text = serde_json::to_string(&recorded).unwrap();
    let people: Vec<Value> = reqwest::get(format!("{}/v1/people", st.ledger)).await.unwrap().json().await.unwrap();
    for p in &people {
        let email = p["email"].as_str().unwrap();
        assert!(!text.contains(email), "no address in the log: {email} in {text}");
    }

    // One reporter leaves and asks to be erased.
    let gone = people.iter().find(|p| p["role"] == "reporter").unwrap();
    let (id, email) = (gone["id"].as_str().unwrap(), gone["email"].as_str().unwrap().to_owned());
    let r = reqwest::Client::new().delete(format!("{}/v1/people/{id}", st.ledger)).send().await.unwrap();
    assert!(r.status().is_success());

    // 13 May, three days before: everyone still owes; everyone but the erased reporter is reminded.
    // (The mailbox lists mails in no particular order: count the erased address's mails.)
    let to_gone = || st.smtp.messages().iter().filter(|m| m.header("To").is_some_and(|t| t.contains(&email))).count();
    let before = to_gone();
    let r = tick(&url, "2022-05-13T08:00:00Z").await;
    assert_eq!(r["sent"], reporters - 1, "{r}");
    assert_eq!(to_gone(), before, "no mail to {email} after it was erased");
    cancel.cancel();
    task.await.unwrap().unwrap();
}

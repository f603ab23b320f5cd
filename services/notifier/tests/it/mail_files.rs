//! Without an SMTP host, each mail is one `.eml` file named by its Message-ID, written once: a
//! second send of the same Message-ID leaves the first file alone, a Message-ID never names a
//! file outside the mail directory, and a temporary file a crash left behind is cleared at start.

use lofte_notifier::{
    mail_files::{file_name, MailFiles, Written},
    mailer::Mailer,
    settings::Smtp,
};

use super::tls::mail;

fn message(id: &str, body: &str) -> lettre::Message {
    lettre::Message::builder()
        .from("Lofte <lofte@jonkoping.example>".parse().unwrap())
        .to("sakerhet@vatterhem.example".parse().unwrap())
        .subject("Påminnelse")
        .message_id(Some(id.to_owned()))
        .body(body.to_owned())
        .unwrap()
}

fn files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn without_smtp_each_mail_is_a_file_named_by_its_message_id() {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("mail");
    let m = mail();
    let id = m.headers().get_raw("Message-ID").unwrap().to_owned();
    assert!(id.starts_with("<due.") && id.ends_with("@lofte>"), "{id}");
    let mailer = Mailer::new(&Smtp::default(), &mail_dir).unwrap();
    mailer.send(m.clone()).await.unwrap();
    // Sent again (as after a crash before the notifier kept it): still one file.
    mailer.send(m).await.unwrap();
    let bare = id.trim_start_matches('<').trim_end_matches('>');
    assert_eq!(files(&mail_dir), vec![format!("{bare}.eml")]);
    let text = std::fs::read_to_string(mail_dir.join(format!("{bare}.eml"))).unwrap();
    assert!(text.contains(&format!("Message-ID: {id}")), "{text}");
}

#[tokio::test]
async fn a_message_id_already_written_is_not_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = MailFiles::open(dir.path()).unwrap();
    assert_eq!(outbox.send(&message("<a.1@lofte>", "first")).await.unwrap(), Written::New);
    assert_eq!(outbox.send(&message("<a.1@lofte>", "second")).await.unwrap(), Written::AlreadyThere);
    assert_eq!(outbox.send(&message("<a.2@lofte>", "other")).await.unwrap(), Written::New);
    assert_eq!(files(dir.path()), ["a.1@lofte.eml", "a.2@lofte.eml"]);
    let first = std::fs::read_to_string(dir.path().join("a.1@lofte.eml")).unwrap();
    assert!(first.contains("first") && !first.contains("second"), "{first}");
}

#[test]
fn a_message_id_becomes_a_safe_file_name_and_distinct_ids_stay_distinct() {
    assert_eq!(file_name("<due-14.0123abcd@lofte>"), "due-14.0123abcd@lofte.eml");
    let odd = ["<../../etc/passwd@x>", "<..@x>", "<a/b@x>", "<a:b@x>", "<a b@x>", "<.hidden@x>", "<>", "<å@x>"];
    let names: Vec<String> = odd.iter().map(|id| file_name(id)).collect();
    for n in &names {
        assert!(!n.contains('/') && !n.contains('\\') && !n.starts_with('.') && n.ends_with(".eml"), "{n}");
        assert!(n.len() < 200, "{n}");
    }
    let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), odd.len(), "{names:?}");
    // "a/b" and "a:b" both read "a_b": the hash keeps them apart.
    assert_ne!(file_name("<a/b@x>"), file_name("<a_b@x>"));
    let long = format!("<{}@x>", "a".repeat(1000));
    assert!(file_name(&long).len() < 200);
    assert_ne!(file_name(&long), file_name(&format!("<{}@x>", "a".repeat(999))));
}

#[tokio::test]
async fn a_temporary_file_left_by_a_crash_is_cleared_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".tmp-4242-a.1@lofte.eml.tmp"), "halv").unwrap();
    std::fs::write(dir.path().join("a.0@lofte.eml"), "kvar").unwrap();
    let outbox = MailFiles::open(dir.path()).unwrap();
    assert_eq!(files(dir.path()), ["a.0@lofte.eml"], "only the temporary file is gone");
    outbox.send(&message("<a.1@lofte>", "whole")).await.unwrap();
    assert_eq!(files(dir.path()), ["a.0@lofte.eml", "a.1@lofte.eml"]);
}

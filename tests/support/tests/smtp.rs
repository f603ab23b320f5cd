//! The SMTP harness against itself: a message sent over a real SMTP conversation lands in the
//! Maildir with its headers (å, ä, ö intact); while stopped the server refuses connections; after
//! a restart it delivers again into the same Maildir.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpStream,
};

use lofte_test_support::SmtpServer;

fn send(port: u16, to: &str, subject: &str) -> std::io::Result<()> {
    let s = TcpStream::connect(("127.0.0.1", port))?;
    let mut r = BufReader::new(s.try_clone()?);
    let mut w = s;
    let mut line = String::new();
    let mut expect = |r: &mut BufReader<TcpStream>, code: &str| -> std::io::Result<()> {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            if line.len() < 4 || &line[3..4] != "-" {
                break;
            }
        }
        assert!(line.starts_with(code), "expected {code}, got {line:?}");
        Ok(())
    };
    expect(&mut r, "220")?;
    for (cmd, code) in [
        ("EHLO test\r\n".to_owned(), "250"),
        ("MAIL FROM:<lofte@kommunen.example>\r\n".to_owned(), "250"),
        (format!("RCPT TO:<{to}>\r\n"), "250"),
        ("DATA\r\n".to_owned(), "354"),
    ] {
        w.write_all(cmd.as_bytes())?;
        expect(&mut r, code)?;
    }
    let body = format!("From: lofte@kommunen.example\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <t1@lofte>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHej!\r\n.\r\n");
    w.write_all(body.as_bytes())?;
    expect(&mut r, "250")?;
    w.write_all(b"QUIT\r\n")?;
    Ok(())
}

#[tokio::test]
async fn delivers_into_a_maildir_and_survives_a_restart() {
    let mut smtp = SmtpServer::start().await.expect("aiosmtpd starts (deploy/dev/tools.sh)");
    send(smtp.port(), "trygghet@vatterhem.example", "Påminnelse: uppföljning tertial 1").unwrap();
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("to").as_deref(), Some("trygghet@vatterhem.example"));
    assert_eq!(mails[0].header("Subject").as_deref(), Some("Påminnelse: uppföljning tertial 1"));
    smtp.stop();
    assert!(send(smtp.port(), "x@y.example", "nej").is_err(), "a stopped server refuses");
    smtp.restart().await.unwrap();
    send(smtp.port(), "kommunpolis@polisen.example", "Eskalering").unwrap();
    assert_eq!(smtp.messages().len(), 2);
}

// claim: C-smol-reexports
//! echo on smol: a `smol::net::TcpListener` (async-net, over async-io's
//! `Async<std::net::TcpListener>`) accepts on loopback and spawns a task per
//! connection that echoes what it reads. The main task connects each client in
//! turn and spawns a task for it; once all are connected, closing a
//! `smol::channel` starts them together, and each writes its messages and reads
// claim: C-async-io-thread-fallback
//! them back with `smol::io::{AsyncWriteExt, AsyncReadExt}`. Every socket is
//! registered with async-io's reactor, driven by its own "async-io" thread
//! when no executor thread is blocked on it.
//!
//! Run it: `cargo run --release -p demos-smol -- echo --connections 1000`

use std::net::Shutdown;
use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::echo::{Client, EchoRun, EchoScenario, SERVER_BUFFER, Served, listener, message};
use demos_core::{Echo, EchoConfig, EchoMetrics, Env, Observed};
use smol::channel::{self, Receiver};
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::net::{TcpListener, TcpStream};

use ::futures::future::{join, join_all};

impl Echo for crate::Smol {
    fn echo(&self, cfg: &EchoConfig, env: &Env) -> Observed<EchoMetrics> {
        crate::observe::<EchoScenario, _>(cfg, env, " + smol::net", |ex| async move {
            let run = EchoRun::start();
            let listener = TcpListener::try_from(listener(cfg.connections, true)).expect("async-io takes it");
            let addr = listener.local_addr().expect("a bound listener has an address");
            let served = run.served();
            // The acceptor runs in this task, beside the clients; each connection is a task.
            let server = async {
                let mut handlers = Vec::with_capacity(cfg.connections);
                for _ in 0..cfg.connections {
                    let (stream, _) = listener.accept().await.expect("accept on loopback");
                    handlers.push(ex.spawn(serve(stream, served.clone())));
                }
                join_all(handlers).await;
            };
            let clients = async {
                // Every connection is made first, one at a time (a burst can overflow the listen
                // backlog); then the clients start together, so C connections really run at once.
                let (go, start) = channel::bounded::<()>(1); // closed to start every client at once
                let mut handles = Vec::with_capacity(cfg.connections);
                for c in until_stopped(0..cfg.connections) {
                    let stream = TcpStream::connect(addr).await.expect("connect on loopback");
                    handles.push(ex.spawn(client(stream, start.clone(), c, cfg.round_trips, cfg.bytes)));
                }
                drop(go);
                let clients = join_all(handles).await;
                // After Ctrl-C, connections never made still hold the acceptor: make and close them.
                for _ in clients.len()..cfg.connections {
                    drop(TcpStream::connect(addr).await);
                }
                clients
            };
            let (clients, ()) = join(clients, server).await;
            run.finish(clients)
        })
    }
}

/// The server's side of one connection: echo until the client shuts down.
async fn serve(mut stream: TcpStream, served: Served) {
    stream.set_nodelay(true).expect("a connected socket takes TCP_NODELAY");
    let mut buf = vec![0; SERVER_BUFFER];
    while let Ok(n @ 1..) = stream.read(&mut buf).await {
        if stream.write_all(&buf[..n]).await.is_err() {
            break;
        }
        served.echoed(n);
    }
} // dropped: the server closes its end, and the client reads end-of-stream

/// One client connection: `rounds` round trips of `len` bytes, then a clean close.
async fn client(
    mut stream: TcpStream,
    start: Receiver<()>,
    conn: usize,
    rounds: usize,
    len: usize,
) -> Client {
    let _open = start.recv().await; // Err once `go` is dropped: all clients start together
    stream.set_nodelay(true).expect("a connected socket takes TCP_NODELAY");
    let (mut seen, mut reply) = (Client::new(rounds), vec![0; len]);
    for round in until_stopped(0..rounds) {
        let sent = message(conn, round, len);
        let started = Instant::now();
        stream.write_all(&sent).await.expect("write on loopback");
        stream.read_exact(&mut reply).await.expect("the server echoes every byte");
        seen.round_trip(&sent, &reply, started);
    }
    stream.shutdown(Shutdown::Write).expect("shut down the write half"); // the server reads end-of-stream
    seen.closed(stream.read(&mut reply).await)
}

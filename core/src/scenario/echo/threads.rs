//! The echo on plain threads: a `std::net::TcpListener` accepts on loopback on
//! a thread of its own and starts an OS thread per connection that echoes what
//! it reads. The main thread connects each client in turn and starts an OS
//! thread for it; once all are connected, releasing a lock starts them
//! together, and each writes its messages and reads them back with
//! `write_all` / `read_exact`. Every thread blocks in its own `read` between
//! messages: the kernel's scheduler is the multiplexer, and each connection
//! costs two threads with their stacks.
//!
//! It lives here, not in demos-std-threads, because it is also the guide's
//! "a thread per connection end" column beside every runtime's tasks: one
//! piece of code for both.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Instant;

use super::{Client, EchoConfig, EchoMetrics, EchoRun, SERVER_BUFFER, Served, listener, message};
use crate::Observed;
use crate::interrupt::until_stopped;

/// The echo with a thread per connection end: `std::net` and `std::thread`
/// alone. std-threads' echo, and the guide's threads column beside any runtime.
pub fn run(cfg: &EchoConfig) -> Observed<EchoMetrics> {
    let started = Instant::now();
    let run = EchoRun::start();
    let listener = listener(cfg.connections, false);
    let addr = listener.local_addr().expect("a bound listener has an address");
    let gate = std::sync::RwLock::new(()); // held by the main thread until every client is connected
    let clients = thread::scope(|scope| {
        let served = run.served();
        scope.spawn(move || {
            thread::scope(|handlers| {
                for i in 0..cfg.connections {
                    let (stream, _) = listener.accept().expect("accept on loopback");
                    let served = served.clone();
                    spawn_named(handlers, format!("echo-server-{i}"), move || serve(stream, served));
                }
            }); // every handler joined
        });
        // Every connection is made first, one at a time (a burst can overflow the listen
        // backlog); then the clients start together, so C connections really run at once.
        let go = gate.write().expect("a fresh lock"); // released to start every client
        let mut clients = Vec::with_capacity(cfg.connections);
        for c in until_stopped(0..cfg.connections) {
            let stream = TcpStream::connect(addr).expect("connect on loopback");
            let gate = &gate;
            let job = move || {
                drop(gate.read()); // blocks until `go` is dropped: all clients start together
                client(stream, c, cfg.round_trips, cfg.bytes)
            };
            let thread = thread::Builder::new().name(format!("echo-client-{c}"));
            clients.push(thread.spawn_scoped(scope, job).expect("the OS starts a client thread"));
        }
        drop(go);
        let clients: Vec<Client> =
            clients.into_iter().map(|h| h.join().expect("a client does not panic")).collect();
        // After Ctrl-C, connections never made still hold the acceptor: make and close them.
        for _ in clients.len()..cfg.connections {
            drop(TcpStream::connect(addr));
        }
        clients
    });
    let flavor = format!(
        "std::net, {} OS threads started (one per client, one per server connection)",
        2 * clients.len()
    );
    Observed::new(flavor, started.elapsed(), run.finish(clients))
}

fn spawn_named<'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    name: String,
    job: impl FnOnce() + Send + 'scope,
) {
    thread::Builder::new().name(name).spawn_scoped(scope, job).expect("the OS starts a server thread");
}

/// The server's side of one connection: echo until the client shuts down.
fn serve(mut stream: TcpStream, served: Served) {
    stream.set_nodelay(true).expect("a connected socket takes TCP_NODELAY");
    let mut buf = vec![0; SERVER_BUFFER];
    while let Ok(n @ 1..) = stream.read(&mut buf) {
        if stream.write_all(&buf[..n]).is_err() {
            break;
        }
        served.echoed(n);
    }
} // dropped: the server closes its end, and the client reads end-of-stream

/// One client connection: `rounds` round trips of `len` bytes, then a clean close.
fn client(mut stream: TcpStream, conn: usize, rounds: usize, len: usize) -> Client {
    stream.set_nodelay(true).expect("a connected socket takes TCP_NODELAY");
    let (mut seen, mut reply) = (Client::new(rounds), vec![0; len]);
    for round in until_stopped(0..rounds) {
        let sent = message(conn, round, len);
        let started = Instant::now();
        stream.write_all(&sent).expect("write on loopback");
        stream.read_exact(&mut reply).expect("the server echoes every byte");
        seen.round_trip(&sent, &reply, started);
    }
    stream.shutdown(Shutdown::Write).expect("shut down the write half"); // the server reads end-of-stream
    seen.closed(stream.read(&mut reply))
}

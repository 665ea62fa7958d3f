// claim: C-compio-echo-reuseport
//! echo on compio: one listener per core. (compio 0.19.2's own example,
//! `examples/dispatcher.rs`, accepts on one listener and hands each connection
//! to a worker thread with a `Dispatcher`; here nothing is handed over.) Every
//! core binds its own socket to the same loopback port with `SO_REUSEPORT`
//! (through socket2) and accepts on it in its own runtime; the kernel spreads
//! the connections over the listeners, and each connection is a task on the
//! core that accepted it, for good. The clients are tasks too, placed
//! round-robin: each core connects its share one at a time, then all start
//! together when a flume channel closes. I/O is completion-based with owned
//! buffers: a read takes the buffer and hands it back with the result
//! (`BufResult`), so the same `Vec` goes to the kernel and back on every
//! round trip.
//!
//! Run it: `cargo run --release -p demos-compio -- echo --connections 1000`

use std::net::SocketAddr;
use std::time::Instant;

use compio::buf::{BufResult, IntoInner, IoBuf};
use compio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use compio::net::{TcpListener, TcpStream};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::echo::{Client, EchoRun, EchoScenario, LOOPBACK, SERVER_BUFFER, Served, message};
use demos_core::{Echo, EchoConfig, EchoMetrics, Env, Observed};
use flume::Receiver;
use socket2::{Domain, Protocol, Socket, Type};

use ::futures::future::join_all;

impl Echo for crate::Compio {
    fn echo(&self, cfg: &EchoConfig, env: &Env) -> Observed<EchoMetrics> {
        self.observe::<EchoScenario, _>(
            cfg,
            env,
            " + compio::net, a SO_REUSEPORT listener per core",
            |ex| async move {
                let run = EchoRun::start();
                let (listeners, addr) = reuseport_listeners(ex.cores(), cfg.connections);
                // Each core accepts on its own listener and serves what it accepted.
                let acceptors: Vec<_> = listeners
                    .into_iter()
                    .enumerate()
                    .map(|(core, listener)| {
                        let served = run.served();
                        ex.place_on(core, move || accept(listener, served))
                    })
                    .collect();
                // Each core connects its share of the clients one at a time (a burst can overflow the
                // listen backlog), says how many, and waits for the start.
                let (go, start) = flume::bounded::<()>(1); // closed to start every client at once
                let (ready_tx, ready) = flume::unbounded::<usize>();
                let groups: Vec<_> = (0..ex.cores())
                    .map(|core| {
                        let mine: Vec<usize> = (core..cfg.connections).step_by(ex.cores()).collect();
                        let (start, ready) = (start.clone(), ready_tx.clone());
                        let (rounds, len) = (cfg.round_trips, cfg.bytes);
                        ex.place_on(core, move || clients(mine, addr, start, ready, rounds, len))
                    })
                    .collect();
                drop((start, ready_tx));
                let mut connected = 0;
                while let Ok(n) = ready.recv_async().await {
                    connected += n;
                    if connected == cfg.connections {
                        break;
                    }
                }
                drop(go);
                let clients: Vec<Client> = join_all(groups).await.into_iter().flatten().collect();
                drop(acceptors); // every client has closed: stop accepting (a dropped handle cancels)
                run.finish(clients)
            },
        )
    }
}

/// `cores` listeners bound to one loopback port with `SO_REUSEPORT`, and that port's address.
fn reuseport_listeners(cores: usize, connections: usize) -> (Vec<std::net::TcpListener>, SocketAddr) {
    let bind = |addr: SocketAddr| {
        let socket =
            Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("the OS makes a TCP socket");
        socket.set_reuse_port(true).expect("Linux has SO_REUSEPORT");
        socket.bind(&addr.into()).expect("a loopback port for every core");
        socket
            .listen(i32::try_from(connections.max(128)).unwrap_or(i32::MAX))
            .expect("a bound socket listens");
        std::net::TcpListener::from(socket)
    };
    let first = bind(LOOPBACK); // port 0: the OS picks one, and the others join it
    let addr = first.local_addr().expect("a bound listener has an address");
    let mut listeners = vec![first];
    listeners.extend((1..cores).map(|_| bind(addr)));
    (listeners, addr)
}

/// One core's acceptor: each connection becomes a task on this core. Runs until its handle drops.
async fn accept(listener: std::net::TcpListener, served: Served) {
    // ANCHOR: accept
    let listener = TcpListener::from_std(listener).expect("this core's runtime takes the listener");
    while let Ok((stream, _)) = listener.accept().await {
        compio::runtime::spawn(serve(stream, served.clone())).detach(); // stays on this core
    }
    // ANCHOR_END: accept
}

/// The server's side of one connection: echo until the client shuts down.
async fn serve(mut stream: TcpStream, served: Served) {
    stream.set_nodelay(true).expect("a connected socket takes TCP_NODELAY");
    // ANCHOR: serve
    let mut buf = Vec::with_capacity(SERVER_BUFFER);
    loop {
        let BufResult(read, got) = stream.read(buf).await; // the buffer goes to the kernel and back
        let Ok(n @ 1..) = read else { break };
        let BufResult(written, mut sent) = stream.write_all(got).await;
        if written.is_err() {
            break;
        }
        served.echoed(n);
        sent.clear();
        buf = sent;
    }
    // ANCHOR_END: serve
} // dropped: the server closes its end, and the client reads end-of-stream

/// One core's clients: connect each in turn, report how many, and when `start`
/// closes, open this core's own gate: one wake-up crosses to each core, and the
/// core wakes its own clients (see scale.rs: many wake-ups from another thread
/// can fill a runtime's remote queue).
async fn clients(
    mine: Vec<usize>,
    addr: SocketAddr,
    start: Receiver<()>,
    ready: flume::Sender<usize>,
    rounds: usize,
    len: usize,
) -> Vec<Client> {
    let (open, gate) = async_channel::bounded::<()>(1); // closed to start this core's clients
    let mut handles = Vec::with_capacity(mine.len());
    for conn in until_stopped(mine) {
        let stream = TcpStream::connect(addr).await.expect("connect on loopback");
        handles.push(compio::runtime::spawn(client(stream, gate.clone(), conn, rounds, len)));
    }
    let _ = ready.send(handles.len());
    let _ = start.recv_async().await; // Err once `go` is dropped: every core starts together
    drop(open);
    join_all(handles).await.into_iter().map(|c| c.expect("a client does not panic")).collect()
}

/// One client connection: `rounds` round trips of `len` bytes, then a clean close.
async fn client(
    mut stream: TcpStream,
    gate: async_channel::Receiver<()>,
    conn: usize,
    rounds: usize,
    len: usize,
) -> Client {
    let _open = gate.recv().await; // Err once the core's gate opens: its clients start together
    stream.set_nodelay(true).expect("a connected socket takes TCP_NODELAY");
    let (mut seen, mut reply) = (Client::new(rounds), Vec::with_capacity(len));
    for round in until_stopped(0..rounds) {
        let sent = message(conn, round, len);
        let started = Instant::now();
        let BufResult(written, sent) = stream.write_all(sent).await;
        written.expect("write on loopback");
        reply.clear();
        let BufResult(read, got) = stream.read_exact(reply.slice(..len)).await;
        read.expect("the server echoes every byte");
        reply = got.into_inner();
        seen.round_trip(&sent, &reply, started);
    }
    stream.shutdown().await.expect("shut down the write half"); // the server reads end-of-stream
    let BufResult(after, _) = stream.read(Vec::with_capacity(len.max(1))).await;
    seen.closed(after)
}

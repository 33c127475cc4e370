package dk.vejsyn.api.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of the test's server that cuts the connection once, after a given number of
 * bytes from client to server: a mobile link dropping in a tunnel mid-upload, seen by both ends as
 * a connection that breaks (not a tidy HTTP error).
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicLong upstream = new AtomicLong();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    CuttingProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Cuts the connection carrying the {@code bytes}-th byte (counted from now, client to server), once. */
    void cutOnceAfter(long bytes) {
        upstream.set(0);
        cutAfter.set(bytes);
    }

    /** Connections cut so far. */
    int cuts() {
        return cuts.get();
    }

    /** Bytes from clients to the server since the last {@link #cutOnceAfter}. */
    long upstream() {
        return upstream.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(backend);
                pump(client, backend, true);
                pump(backend, client, false);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean up) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (up) {
                        long total = upstream.addAndGet(n);
                        long cut = cutAfter.get();
                        if (cut >= 0 && total >= cut && cutAfter.compareAndSet(cut, -1)) {
                            int keep = (int) (n - (total - cut));
                            out.write(buf, 0, Math.max(0, keep));
                            out.flush();
                            cuts.incrementAndGet();
                            // RST rather than FIN on the client's side: a dropped link, not an orderly close.
                            from.setSoLinger(true, 0);
                            close(from);
                            close(to);
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already
        }
        open.remove(s);
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(this::close);
    }
}

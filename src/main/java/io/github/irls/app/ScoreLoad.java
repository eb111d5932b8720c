package io.github.irls.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP load on {@code POST /models/{key}/score}, from this JVM, through the JDK's {@link
 * HttpClient} (HTTP/1.1, keep-alive): closed loop (each client thread sends its next request when
 * the last one is answered) and open loop (requests at a fixed rate whatever the answers, each
 * timed from its intended send time, so that a stall counts against every request it delayed —
 * no coordinated omission). The request bodies are made before the measurement, so the clients
 * spend their CPU on HTTP only. Any answer but 200, or no answer, is an error.
 */
public final class ScoreLoad {

  /** Names of the closed-loop client threads (so that their CPU time is told apart). */
  static final String CLIENT_THREAD_PREFIX = "bench-serve-client-";

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
  private static final int POOL_VECTORS = 200_000;

  /**
   * One measured phase.
   *
   * @param name what it measured, e.g. "closed loop, batched"
   * @param batch feature vectors per request
   * @param clients concurrent client threads (0 for the open loop)
   * @param targetRate requests per second asked for (0 for a closed loop)
   * @param requests requests answered (200 or not) or failed in the phase
   * @param errors requests not answered 200 (any status, timeout or I/O error)
   * @param firstError what the first error was, empty when none
   * @param retried closed-loop requests sent again because their connection dropped before an
   *     answer (the JDK's HttpClient then says "header parser received no bytes"), as a client of an
   *     idempotent request would; one that fails twice is an error
   * @param seconds from the first send to the last answer
   * @param latencies per request (open loop: from its intended send time)
   * @param cpu CPU by role over the phase
   */
  public record Result(String name, int batch, int clients, double targetRate, long requests, long errors,
      String firstError, long retried, double seconds, Latencies latencies, ThreadCpu.Usage cpu) {

    public double requestsPerSecond() {
      return requests / Math.max(seconds, 1e-9);
    }

    /** Feature vectors scored per second (successful requests only). */
    public double scoresPerSecond() {
      return (requests - errors) * (double) batch / Math.max(seconds, 1e-9);
    }

    /** The {@code q}-quantile of the latencies, in milliseconds. */
    public double millis(final double q) {
      return latencies.quantile(q) / 1e6;
    }

    public boolean openLoop() {
      return targetRate > 0;
    }
  }

  /** How the closed loops send: the JDK's HttpClient, or the older, lighter HttpURLConnection. */
  public enum Transport {
    HTTP_CLIENT("httpclient"),
    URL_CONNECTION("urlconnection");

    private final String optionName;

    Transport(final String optionName) {
      this.optionName = optionName;
    }

    public String optionName() {
      return optionName;
    }

    /** The transport named {@code name} ({@code httpclient} or {@code urlconnection}). */
    public static Transport parse(final String name) {
      for (final Transport t : values()) {
        if (t.optionName.equalsIgnoreCase(name.trim())) {
          return t;
        }
      }
      throw new IllegalArgumentException("expected httpclient or urlconnection, got '" + name + "'");
    }
  }

  /** A request made in advance: the JDK client's form, and the body's bytes for HttpURLConnection. */
  public record ScoreRequest(HttpRequest request, byte[] body) {}

  private final HttpClient client;
  private final Transport transport;

  public ScoreLoad(final HttpClient client, final Transport transport) {
    this.client = client;
    this.transport = transport;
  }

  /** The JDK client as the benchmark uses it: HTTP/1.1, keep-alive (its default), 5 s to connect. */
  public static HttpClient defaultClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** {@code POST base/models/{key}/score} with {@code body} (the key URL-encoded, '/' too). */
  public static ScoreRequest scoreRequest(final String base, final String key, final String body) {
    final String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new ScoreRequest(HttpRequest.newBuilder(URI.create(base + "/models/" + encoded + "/score"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build(), bytes);
  }

  /** {@code {"features": [[x1, ..., xp], ...]}} of {@code batch} standard normal vectors. */
  public static String featuresBody(final Random random, final int p, final int batch) {
    final StringBuilder b = new StringBuilder(16 + batch * p * 9).append("{\"features\":[");
    for (int i = 0; i < batch; i++) {
      b.append(i == 0 ? "[" : ",[");
      for (int j = 0; j < p; j++) {
        if (j > 0) {
          b.append(',');
        }
        // four decimals: the body a real caller would send, not 17 digits per value
        b.append(Math.round(random.nextGaussian() * 1e4) / 1e4);
      }
      b.append(']');
    }
    return b.append("]}").toString();
  }

  /**
   * Requests of {@code batch} random vectors for random keys, made in advance: enough that the
   * keys are spread (up to 1,024) but no more than {@value #POOL_VECTORS} vectors in all.
   */
  public static List<ScoreRequest> requestPool(final String base, final List<String> keys, final int p,
      final int batch, final long seed) {
    final int size = Math.max(16, Math.min(1024, POOL_VECTORS / batch));
    final Random random = new Random(seed);
    final List<ScoreRequest> pool = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      pool.add(scoreRequest(base, keys.get(random.nextInt(keys.size())), featuresBody(random, p, batch)));
    }
    return List.copyOf(pool);
  }

  /**
   * {@code clients} threads, each sending a random request of {@code pool} as soon as its last one
   * is answered, for {@code duration}.
   */
  public Result closedLoop(final String name, final List<ScoreRequest> pool, final int batch, final int clients,
      final Duration duration) throws InterruptedException {
    final List<Latencies> perThread = new ArrayList<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong clientNanos = new AtomicLong();
    final Errors errors = new Errors();
    final ThreadCpu cpuBefore = ThreadCpu.snapshot();
    final long started = System.nanoTime();
    final long end = started + duration.toNanos();
    final List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final Latencies latencies = new Latencies();
      perThread.add(latencies);
      final Thread t = new Thread(() -> {
        final long cpuStarted = ThreadCpu.currentThreadNanos();
        try {
          sendUntil(end, pool, latencies, requests, errors);
        } finally {
          // the thread ends before the phase's closing snapshot, so it hands its CPU time over itself
          clientNanos.addAndGet(ThreadCpu.currentThreadNanos() - cpuStarted);
        }
      }, CLIENT_THREAD_PREFIX + (c + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (final Thread t : threads) {
      t.join();
    }
    final double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(name, batch, clients, 0, requests.get(), errors.count.get(), errors.first(),
        errors.retried.get(), seconds,
        Latencies.merge(perThread), ThreadCpu.snapshot().since(cpuBefore).plus(ThreadCpu.Role.CLIENT, clientNanos.get()));
  }

  /** One closed-loop client: the next request as soon as the last is answered, until {@code end}. */
  private void sendUntil(final long end, final List<ScoreRequest> pool, final Latencies latencies,
      final AtomicLong requests, final Errors errors) {
    final ThreadLocalRandom random = ThreadLocalRandom.current();
    while (System.nanoTime() < end) {
      final ScoreRequest request = pool.get(random.nextInt(pool.size()));
      final long sent = System.nanoTime();
      try {
        try {
          send(request, errors);
        } catch (final IOException dropped) {
          errors.retried.incrementAndGet();
          send(request, errors);
        }
      } catch (final IOException e) {
        errors.failed(e);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      latencies.record(System.nanoTime() - sent);
      requests.incrementAndGet();
    }
  }

  /**
   * Requests of {@code pool} sent at {@code rate} per second for {@code duration}, whatever the
   * answers (asynchronously), each timed from when it should have been sent.
   */
  public Result openLoop(final String name, final List<ScoreRequest> pool, final int batch, final double rate,
      final Duration duration) throws InterruptedException {
    final Latencies latencies = new Latencies();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong lastAnswer = new AtomicLong();
    final Errors errors = new Errors();
    final ThreadCpu cpuBefore = ThreadCpu.snapshot();
    final Random random = new Random(7);
    final double interval = 1e9 / rate;
    final long started = System.nanoTime();
    final List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (long i = 0; ; i++) {
      final long intended = started + (long) (i * interval);
      if (intended - started >= duration.toNanos()) {
        break;
      }
      for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      final ScoreRequest request = pool.get(random.nextInt(pool.size()));
      pending.add(client.sendAsync(request.request(), HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
        final long now = System.nanoTime();
        if (failure != null) {
          errors.failed(failure);
        } else {
          errors.check(response.statusCode(), request, response.body());
        }
        synchronized (latencies) {
          latencies.record(now - intended);
        }
        lastAnswer.accumulateAndGet(now, Math::max);
        answered.incrementAndGet();
        return null;
      }));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    final long sent = pending.size();
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // counted below, one error per unanswered request
      errors.note("requests still unanswered " + DRAIN_TIMEOUT.toSeconds() + " s after the last send");
    }
    final long done = answered.get();
    final long unanswered = sent - done;
    errors.count.addAndGet(unanswered);
    final double seconds = (Math.max(lastAnswer.get(), started) - started) / 1e9;
    synchronized (latencies) {
      return new Result(name, batch, 0, rate, sent, errors.count.get(), errors.first(), 0, seconds, latencies,
          ThreadCpu.snapshot().since(cpuBefore));
    }
  }

  /**
   * Sends {@code request} through HttpURLConnection, reading the whole answer so that the
   * connection goes back to the JDK's keep-alive cache.
   */
  private void send(final ScoreRequest request, final Errors errors) throws IOException, InterruptedException {
    if (transport == Transport.HTTP_CLIENT) {
      final HttpResponse<String> response = client.send(request.request(), HttpResponse.BodyHandlers.ofString());
      errors.check(response.statusCode(), request, response.body());
    } else {
      post(request, errors);
    }
  }

  private static void post(final ScoreRequest request, final Errors errors) throws IOException {
    final HttpURLConnection c = (HttpURLConnection) request.request().uri().toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setFixedLengthStreamingMode(request.body().length);
    c.setConnectTimeout(5_000);
    c.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
    try (OutputStream out = c.getOutputStream()) {
      out.write(request.body());
    }
    final int status = c.getResponseCode();
    final InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    final byte[] answer;
    if (in == null) {
      answer = new byte[0];
    } else {
      try (in) {
        answer = in.readAllBytes();
      }
    }
    errors.check(status, request, status == 200 ? "" : new String(answer, StandardCharsets.UTF_8));
  }

  /** Counts the errors and keeps the first. */
  private static final class Errors {
    final AtomicLong count = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicReference<String> first = new AtomicReference<>();

    void check(final int status, final ScoreRequest request, final String answer) {
      if (status != 200) {
        count.incrementAndGet();
        final String body = answer == null ? "" : answer;
        first.compareAndSet(null, "HTTP " + status + " for " + request.request().uri().getRawPath() + ": "
            + body.substring(0, Math.min(body.length(), 200)));
      }
    }

    void failed(final Throwable e) {
      count.incrementAndGet();
      first.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    void note(final String what) {
      first.compareAndSet(null, what);
    }

    String first() {
      return first.get() == null ? "" : first.get();
    }
  }
}

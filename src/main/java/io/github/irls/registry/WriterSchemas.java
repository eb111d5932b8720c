package io.github.irls.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer schemas of a schema registry by id, fetched once and kept: the registry's ids are
 * immutable, so a schema, once known, never needs asking again. Shared by every stream thread of
 * an instance; thread-safe.
 *
 * <p>{@link #get} never blocks: it answers a kept outcome, or {@link Waiting} while the registry is
 * being asked, and asks it again (asynchronously) when a failed attempt's backoff has passed: the
 * first wait is {@code schema.registry.retry.backoff.ms}, doubling up to {@code
 * schema.registry.retry.backoff.max.ms}. Outcomes that are kept:
 *
 * <ul>
 *   <li>{@link Ready}: the schema;
 *   <li>{@link Missing}: the registry says it has no schema with that id (a bad record);
 *   <li>{@link Invalid}: it has one, but not an Avro schema that parses (a bad record).
 * </ul>
 *
 * <p>Schemas are kept for good (the registry holds them); refusals only for the {@value
 * #MAX_REFUSED} ids most recently asked about, since any record can carry a garbage id: an id
 * forgotten is asked about again, and settled again, when it comes back. Likewise at most {@value
 * #MAX_UNSETTLED} ids are asked about (or wait to be asked again) at a time: while the registry is
 * down every id of every record held is unsettled, and garbage ids must neither grow memory nor
 * send a storm of requests at the registry when it is back. An id past the bound is {@link
 * Waiting} without being asked, and is asked about once others have settled.
 *
 * <p>While an attempt has failed (unreachable, timeout, 5xx, 401/403), {@link #unavailable()} says
 * so and the failure is logged once when it starts, every minute while it lasts and once when the
 * registry answers again.
 */
public final class WriterSchemas {

  private static final Logger LOG = LoggerFactory.getLogger(WriterSchemas.class);
  private static final long REMIND_EVERY_MS = 60_000;
  /** The most ids whose refusal ({@link Missing}, {@link Invalid}) is kept. */
  static final int MAX_REFUSED = 1_000;
  /** The most ids asked about, or waiting to be asked again, at a time. */
  static final int MAX_UNSETTLED = 1_000;

  /** What is known of one id. */
  public sealed interface Entry permits Ready, Missing, Invalid, Waiting {
    /** Whether this is an outcome that will not change ({@link Ready}, {@link Missing}, {@link Invalid}). */
    default boolean settled() {
      return !(this instanceof Waiting);
    }
  }

  /** The writer schema. */
  public record Ready(Schema schema) implements Entry {}

  /** The registry has no schema with this id. */
  public record Missing(String message) implements Entry {}

  /** The registry's schema for this id is not an Avro schema that parses. */
  public record Invalid(String message) implements Entry {}

  /** Not known yet: being asked, or waiting to be asked again after {@code reason}. */
  public record Waiting(String reason) implements Entry {}

  private final SchemaRegistryClient client;
  private final LongSupplier clock;
  /** Ids ready, being asked about, or waiting to be asked again; a refused id moves to {@link #refused}. */
  private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();
  /** Refusals, least recently asked about first; guarded by itself. */
  private final Map<Integer, Entry> refused = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(final Map.Entry<Integer, Entry> eldest) {
      return size() > MAX_REFUSED;
    }
  };
  /** Slots whose entry is not settled yet. */
  private final AtomicInteger unsettled = new AtomicInteger();
  private final int maxUnsettled;
  private final Object outage = new Object();
  private long outageSinceMs = -1;
  private long lastReminderMs;
  private volatile String lastFailure;
  private volatile int failing;

  /** One id's state; guarded by itself. */
  private static final class Slot {
    volatile Entry entry = new Waiting("asking the schema registry");
    boolean asking;
    boolean failed;
    long nextAttemptMs;
    long backoffMs;
  }

  public WriterSchemas(final SchemaRegistryClient client) {
    this(client, System::currentTimeMillis);
  }

  /** With a clock for the backoff (tests). */
  public WriterSchemas(final SchemaRegistryClient client, final LongSupplier clock) {
    this(client, clock, MAX_UNSETTLED);
  }

  /** With a clock and a bound on the ids unsettled at a time (tests). */
  WriterSchemas(final SchemaRegistryClient client, final LongSupplier clock, final int maxUnsettled) {
    this.client = client;
    this.clock = clock;
    this.maxUnsettled = maxUnsettled;
  }

  /**
   * Writer schemas that start out knowing {@code known} (id to schema), as if fetched, and ask
   * {@code client} for any other id (benchmarks; a registry exported ahead of time).
   */
  public static WriterSchemas preloaded(final SchemaRegistryClient client, final Map<Integer, Schema> known) {
    final WriterSchemas schemas = new WriterSchemas(client);
    known.forEach((id, schema) -> schemas.slots.computeIfAbsent(id, k -> new Slot()).entry = new Ready(schema));
    return schemas;
  }

  /** The client asked. */
  public SchemaRegistryClient client() {
    return client;
  }

  /** What is known of {@code id} now; starts or repeats asking the registry when due. Never blocks. */
  public Entry get(final int id) {
    final Slot slot = slots.get(id);
    if (slot != null) {
      return ask(id, slot);
    }
    final Entry refusal = refusal(id);
    if (refusal != null) {
      return refusal;
    }
    if (unsettled.get() >= maxUnsettled) {
      return new Waiting("more than " + maxUnsettled + " schema ids wait for the schema registry; id " + id
          + " is asked about once some of them are settled");
    }
    return ask(id, slots.computeIfAbsent(id, k -> {
      unsettled.incrementAndGet();
      return new Slot();
    }));
  }

  /** What {@code slot} knows of {@code id}; starts or repeats asking the registry when due. */
  private Entry ask(final int id, final Slot slot) {
    final Entry entry = slot.entry;
    if (entry.settled()) {
      return entry;
    }
    synchronized (slot) {
      if (!slot.asking && !slot.entry.settled() && clock.getAsLong() >= slot.nextAttemptMs) {
        slot.asking = true;
        client.schema(id).whenComplete((lookup, error) -> completed(id, slot, lookup, error));
      }
      return slot.entry;
    }
  }

  /**
   * What is known of {@code id} once the registry answered or {@code max} passed, whichever is
   * first (the answer of an attempt already under way counts; a failed attempt is not repeated here).
   */
  public Entry await(final int id, final Duration max) {
    final long deadline = System.nanoTime() + max.toNanos();
    Entry entry = get(id);
    final Slot slot = slots.get(id);
    if (slot == null) {
      // settled and moved to the refusals since
      return entry.settled() ? entry : get(id);
    }
    synchronized (slot) {
      while (!slot.entry.settled() && slot.asking) {
        final long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(slot, left);
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      entry = slot.entry;
    }
    return entry;
  }

  /** Whether the registry could not be asked the last time an id that is still unknown was asked. */
  public boolean unavailable() {
    return failing > 0;
  }

  /** The last failure to ask the registry (empty when none happened), for readiness and logs. */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** The number of ids about which something is kept: slots and refusals (tests). */
  int keptIds() {
    synchronized (refused) {
      return slots.size() + refused.size();
    }
  }

  private Entry refusal(final int id) {
    synchronized (refused) {
      return refused.get(id);
    }
  }

  /** The number of ids whose schema is kept. */
  public int cachedSchemas() {
    return (int) slots.values().stream().filter(s -> s.entry instanceof Ready).count();
  }

  private void completed(final int id, final Slot slot, final SchemaRegistryClient.Lookup lookup,
      final Throwable error) {
    Entry next = null;
    try {
      next = outcome(id, slot, lookup, error);
    } finally {
      // whatever happened, the slot may be asked again: never stuck as "asking"
      synchronized (slot) {
        slot.asking = false;
        if (next != null) {
          slot.entry = next;
          unsettled.decrementAndGet();
          if (slot.failed) {
            slot.failed = false;
            recovered();
          }
          if (next instanceof Missing || next instanceof Invalid) {
            // among the bounded refusals first, so that an asker who no longer finds the slot finds it there
            synchronized (refused) {
              refused.put(id, next);
            }
            slots.remove(id, slot);
          }
        }
        slot.notifyAll();
      }
    }
  }

  /** The settled entry of an answer, or null after recording a failure. */
  private Entry outcome(final int id, final Slot slot, final SchemaRegistryClient.Lookup lookup,
      final Throwable error) {
    final Entry next;
    if (error != null) {
      next = null;
      failed(id, slot, error.toString());
    } else if (lookup instanceof SchemaRegistryClient.Found found) {
      next = parse(id, found);
    } else if (lookup instanceof SchemaRegistryClient.NotFound missing) {
      next = new Missing("schema id " + id + " is not known to the schema registry: " + missing.message());
    } else {
      next = null;
      failed(id, slot, ((SchemaRegistryClient.Unavailable) lookup).reason());
    }
    return next;
  }

  private static Entry parse(final int id, final SchemaRegistryClient.Found found) {
    if (!"AVRO".equalsIgnoreCase(found.schemaType())) {
      return new Invalid("schema id " + id + " is a " + found.schemaType() + " schema, not Avro");
    }
    try {
      return new Ready(new Schema.Parser().parse(found.schema()));
    } catch (final RuntimeException e) {
      // Avro's parser throws SchemaParseException, but also AvroRuntimeException and others on odd input
      return new Invalid("schema id " + id + " does not parse as an Avro schema: " + e.getMessage());
    }
  }

  private void failed(final int id, final Slot slot, final String reason) {
    final long now = clock.getAsLong();
    synchronized (slot) {
      final long first = client.settings().retryBackoff().toMillis();
      final long max = client.settings().retryBackoffMax().toMillis();
      slot.backoffMs = slot.failed ? Math.min(max, Math.max(first, slot.backoffMs * 2)) : first;
      slot.nextAttemptMs = now + slot.backoffMs;
      slot.entry = new Waiting("the schema registry could not be asked for schema id " + id + ": " + reason);
      if (!slot.failed) {
        slot.failed = true;
        synchronized (outage) {
          failing++;
        }
      }
    }
    lastFailure = reason;
    synchronized (outage) {
      if (outageSinceMs < 0) {
        outageSinceMs = now;
        lastReminderMs = now;
        LOG.warn("The schema registry cannot be asked for schema id {}: {}. Records that need it wait (nothing is "
            + "dead-lettered); asking again every {} ms at first, up to every {} ms", id, reason,
            client.settings().retryBackoff().toMillis(), client.settings().retryBackoffMax().toMillis());
      } else if (now - lastReminderMs >= REMIND_EVERY_MS) {
        lastReminderMs = now;
        LOG.warn("The schema registry still cannot be asked (for {} s): {}", (now - outageSinceMs) / 1000, reason);
      }
    }
  }

  private void recovered() {
    synchronized (outage) {
      failing--;
      if (failing == 0 && outageSinceMs >= 0) {
        LOG.info("The schema registry answers again after {} s", (clock.getAsLong() - outageSinceMs) / 1000);
        outageSinceMs = -1;
        lastFailure = null;
      }
    }
  }

  /** Blocks until {@code id} is settled or {@code timeout} passes, asking again as the backoff allows (clients). */
  public Entry resolve(final int id, final Duration timeout) throws TimeoutException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    Entry entry = get(id);
    while (!entry.settled()) {
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(((Waiting) entry).reason());
      }
      entry = await(id, Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100))));
      if (!entry.settled()) {
        try {
          Thread.sleep(Math.min(50, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted");
        }
        entry = get(id);
      }
    }
    return entry;
  }
}

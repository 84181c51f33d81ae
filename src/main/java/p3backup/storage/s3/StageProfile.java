package p3backup.storage.s3;

import java.io.PrintStream;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * A developer's tool, off unless {@code P3BACKUP_PROFILE=stages} is in the environment: where
 * a request's time goes inside the SDK. Marks the wall clock and the calling thread's CPU clock
 * at our call into the client, at each interceptor hook (this interceptor runs after the SDK's
 * own at every hook, so each stage includes their work at its end hook), and at the return,
 * and prints at exit, per operation, the mean time between consecutive marks. Not part of the
 * command-line contract; the output format may change.
 */
final class StageProfile implements ExecutionInterceptor {
  /** Not profiling: every method does nothing. */
  static final StageProfile OFF = new StageProfile(false);

  private final boolean on;
  private final ThreadMXBean threads;
  private final boolean cpu;
  /** Per "operation\u0000from\u0000to": count, wall ns, CPU ns. */
  private final Map<String, LongAdder[]> totals = new ConcurrentHashMap<>();
  /** Per operation: order of first appearance of each stage. */
  private final Map<String, List<String>> order = new ConcurrentHashMap<>();
  private final ThreadLocal<Trace> trace = ThreadLocal.withInitial(Trace::new);

  private StageProfile(boolean on) {
    this.on = on;
    this.threads = on ? threadBean() : null;
    this.cpu = threads != null && threads.isCurrentThreadCpuTimeSupported();
  }

  /**
   * The JVM's thread bean, looked up by a name the native-image builder cannot fold: reaching
   * ManagementFactory statically makes the image link the operating-system bean's JNI code,
   * which the GraalVM CE 23.0 kit here does not ship (the link fails). In the native executable
   * the lookup fails and only wall time is recorded; run it with --jobs 1 so that the wall time
   * of a stage that does not wait is its CPU time.
   */
  private static ThreadMXBean threadBean() {
    try {
      Class<?> factory = Class.forName(System.getProperty("p3backup.profile.factory",
          "java.lang.management.ManagementFactory"));
      return (ThreadMXBean) factory.getMethod("getThreadMXBean").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** The profile the environment asks for: {@link #OFF} unless P3BACKUP_PROFILE=stages. */
  static StageProfile from(Map<String, String> env) {
    if (!"stages".equals(env.get("P3BACKUP_PROFILE"))) {
      return OFF;
    }
    StageProfile p = new StageProfile(true);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> p.print(System.err), "p3backup-profile"));
    return p;
  }

  boolean on() {
    return on;
  }

  /** What a thread has marked since it called into the client. */
  private static final class Trace {
    final String[] names = new String[64];
    final long[] wall = new long[64];
    final long[] cpu = new long[64];
    int n;
    boolean wrapped;
    String operation;
  }

  private void mark(String name, boolean start) {
    long w = System.nanoTime();
    long c = cpu ? threads.getCurrentThreadCpuTime() : 0;
    Trace t = trace.get();
    if (start) {
      t.n = 0;
      t.operation = null;
    }
    if (t.n < t.names.length) {
      t.names[t.n] = name;
      t.wall[t.n] = w;
      t.cpu[t.n] = c;
      t.n++;
    }
  }

  /** Our code calls into the client. */
  void enter() {
    if (on) {
      mark("call", true);
      trace.get().wrapped = true;
    }
  }

  /** A point inside a stage that our own code sees (the signer's start and end). */
  void point(String name) {
    if (on) {
      mark(name, false);
    }
  }

  /** The client returned (or threw) to our code. */
  void exit() {
    if (on) {
      mark("return", false);
      flush(trace.get());
    }
  }

  private void flush(Trace t) {
    String op = t.operation == null ? "?" : t.operation;
    List<String> stages = order.computeIfAbsent(op, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
    for (int i = 1; i < t.n; i++) {
      String stage = t.names[i - 1] + " -> " + t.names[i];
      LongAdder[] sum = totals.computeIfAbsent(op + '\u0000' + stage, k -> {
        stages.add(stage);
        return new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()};
      });
      sum[0].increment();
      sum[1].add(t.wall[i] - t.wall[i - 1]);
      sum[2].add(t.cpu[i] - t.cpu[i - 1]);
    }
    if (t.n > 1) {
      LongAdder[] sum = totals.computeIfAbsent(op + '\u0000' + "total", k -> new LongAdder[] {
          new LongAdder(), new LongAdder(), new LongAdder()});
      sum[0].increment();
      sum[1].add(t.wall[t.n - 1] - t.wall[0]);
      sum[2].add(t.cpu[t.n - 1] - t.cpu[0]);
    }
    t.n = 0;
    t.wrapped = false;
    t.operation = null;
  }

  private void hook(String name, ExecutionAttributes attributes) {
    Trace t = trace.get();
    boolean start = "beforeExecution".equals(name) && !t.wrapped;
    mark(name, start);
    if (t.operation == null) {
      t.operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }
  }

  private void end(String name, ExecutionAttributes attributes, boolean failed) {
    if (!on) {
      return;
    }
    hook(name, attributes);
    Trace t = trace.get();
    if (failed && t.operation != null && !t.operation.endsWith(" (failed)")) {
      t.operation += " (failed)";
    }
    if (!t.wrapped) {
      flush(t);
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (on) {
      hook("beforeExecution", attributes);
    }
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    if (on) {
      hook("modifyRequest", attributes);
    }
    return context.request();
  }

  @Override
  public void beforeMarshalling(Context.BeforeMarshalling context, ExecutionAttributes attributes) {
    if (on) {
      hook("beforeMarshalling", attributes);
    }
  }

  @Override
  public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
    if (on) {
      hook("afterMarshalling", attributes);
    }
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    if (on) {
      hook("modifyHttpRequest", attributes);
    }
    return context.httpRequest();
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    if (on) {
      hook("beforeTransmission", attributes);
    }
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    if (on) {
      hook("afterTransmission", attributes);
    }
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (on) {
      hook("modifyHttpResponse", attributes);
    }
    return context.httpResponse();
  }

  @Override
  public void beforeUnmarshalling(Context.BeforeUnmarshalling context, ExecutionAttributes attributes) {
    if (on) {
      hook("beforeUnmarshalling", attributes);
    }
  }

  @Override
  public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
    if (on) {
      hook("afterUnmarshalling", attributes);
    }
  }

  @Override
  public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
    if (on) {
      hook("modifyResponse", attributes);
    }
    return context.response();
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    end("afterExecution", attributes, false);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    end("onExecutionFailure", attributes, true);
  }

  /** The table: per operation and stage, how often, mean wall and CPU microseconds. */
  void print(PrintStream out) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "p3backup stage profile (mean per request, microseconds; CPU of the"
        + " calling thread%s)%n", cpu ? "" : ": not available here, shown as 0"));
    b.append(String.format(Locale.ROOT, "%-32s %-42s %7s %9s %9s%n", "operation", "stage", "n", "wall",
        "cpu"));
    for (Map.Entry<String, List<String>> e : new TreeMap<>(order).entrySet()) {
      String op = e.getKey();
      List<String> stages;
      synchronized (e.getValue()) {
        stages = new ArrayList<>(e.getValue());
      }
      stages.add("total");
      for (String stage : stages) {
        LongAdder[] sum = totals.get(op + '\u0000' + stage);
        if (sum == null) {
          continue;
        }
        long n = sum[0].sum();
        b.append(String.format(Locale.ROOT, "%-32s %-42s %7d %9.1f %9.1f%n", op, stage, n,
            sum[1].sum() / 1e3 / n, sum[2].sum() / 1e3 / n));
      }
    }
    out.print(b);
    out.flush();
  }
}

package io.easyrpc.it;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.easyrpc.transport.TransportResources;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty reports a buffer leak while it runs. Netty reports leaks
 * of garbage-collected buffers as {@code LEAK:} errors of its
 * {@link ResourceLeakDetector} logger; this extension collects them and, after the class,
 * collects garbage and allocates a few buffers so that pending reports are made before it
 * checks.
 */
final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {

	/**
	 * Leak reports naming this allocation site are expected, see
	 * {@code LeakDetectionExtensionTests}: every report names where its buffer was
	 * allocated.
	 */
	static final String INTENTIONAL_LEAK_SITE = IntentionalLeakFilter.SITE;

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(LeakDetectionExtension.class);

	private static final LeakCollector collector = new LeakCollector();

	static {
		// Surefire runs with -Dio.netty.leakDetection.level=paranoid; an IDE may not.
		// Plain reads and writes go unrecorded as under Surefire (see the root pom): a
		// stack trace per access makes a WebSocket message of megabytes take seconds.
		// Netty reads the property once, when its leak-aware buffers are first used.
		if (System.getProperty("io.netty.leakDetection.acquireAndReleaseOnly") == null) {
			System.setProperty("io.netty.leakDetection.acquireAndReleaseOnly", "true");
		}
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
		if (!logger.isErrorEnabled()) {
			logger.setLevel(Level.ERROR);
		}
		collector.setContext(logger.getLoggerContext());
		collector.setName("easyrpc-leak-collector");
		collector.start();
		logger.addAppender(collector);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getStore(NAMESPACE).put("mark", collector.mark());
	}

	@Override
	public void afterAll(ExtensionContext context) throws InterruptedException {
		int mark = context.getStore(NAMESPACE).get("mark", Integer.class);
		List<String> leaks = reportedLeaksSince(mark);
		leaks.removeIf((leak) -> leak.contains(INTENTIONAL_LEAK_SITE));
		if (!leaks.isEmpty()) {
			throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported during " + context.getDisplayName()
					+ ":\n" + String.join("\n\n", leaks));
		}
	}

	/**
	 * Make Netty report the leaks of buffers that are unreachable by now, and return
	 * every report made since {@code mark}.
	 */
	static List<String> reportedLeaksSince(int mark) throws InterruptedException {
		for (int round = 0; round < 3; round++) {
			System.gc();
			Thread.sleep(20);
			for (int i = 0; i < 8; i++) {
				TransportResources.ALLOCATOR.heapBuffer(8).release();
				UnpooledByteBufAllocator.DEFAULT.heapBuffer(8).release();
			}
		}
		return collector.since(mark);
	}

	static int mark() {
		return collector.mark();
	}

	/**
	 * Allocate a buffer and drop it without releasing it.
	 */
	static void leakOneBuffer() {
		ByteBuf buf = TransportResources.ALLOCATOR.heapBuffer(16);
		buf.writeInt(42);
	}

	private static final class LeakCollector extends AppenderBase<ILoggingEvent> {

		private final List<String> leaks = new ArrayList<>();

		@Override
		protected synchronized void append(ILoggingEvent event) {
			String message = event.getFormattedMessage();
			if (message != null && message.contains("LEAK:")) {
				this.leaks.add(message);
			}
		}

		synchronized int mark() {
			return this.leaks.size();
		}

		synchronized List<String> since(int mark) {
			return new ArrayList<>(this.leaks.subList(mark, this.leaks.size()));
		}

	}

}

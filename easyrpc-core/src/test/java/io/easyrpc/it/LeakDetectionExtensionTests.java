package io.easyrpc.it;

import java.util.List;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checks that {@link LeakDetectionExtension} would notice a leak: a test that cannot fail
 * proves nothing.
 */
class LeakDetectionExtensionTests {

	@Test
	void leakedBufferIsReported() {
		int mark = LeakDetectionExtension.mark();
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
		LeakDetectionExtension.leakOneBuffer();
		await().untilAsserted(() -> {
			List<String> leaks = LeakDetectionExtension.reportedLeaksSince(mark);
			assertThat(leaks).anySatisfy((leak) -> assertThat(leak).contains("LEAK:")
				.contains(LeakDetectionExtension.INTENTIONAL_LEAK_SITE));
		});
	}

}

package io.easyrpc.it;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor is optional: {@code Stream}, {@code Iterator} and {@code Flow.Publisher}
 * streams, and client streams and channels with {@code Flow.Publisher} parameters, work
 * on both sides in a class loader that cannot find any Reactor class.
 */
class ReactorAbsentStreamingTests {

	@Test
	void streamsWorkWithoutReactor() throws Exception {
		try (HidingClassLoader loader = new HidingClassLoader(classPath())) {
			@SuppressWarnings("unchecked")
			Supplier<List<Object>> run = (Supplier<List<Object>>) loader.loadClass(NoReactorStreams.class.getName())
				.getConstructor()
				.newInstance();
			// Server streams in three client styles, then a client stream and a channel
			// with Flow.Publisher.
			assertThat(run.get()).containsExactly(List.of(0, 1, 2, 3, 4), List.of(0, 1, 2, 3, 4),
					List.of(0, 1, 2, 3, 4), 4950, List.of(0, 1, 2, 3, 4));
			assertThat(loader.hidden).isEmpty();
		}
	}

	private static URL[] classPath() throws MalformedURLException {
		String path = System.getProperty("surefire.test.class.path");
		if (path == null || path.isEmpty()) {
			path = System.getProperty("java.class.path");
		}
		List<URL> urls = new ArrayList<>();
		for (String entry : path.split(File.pathSeparator)) {
			if (!entry.isEmpty()) {
				urls.add(new File(entry).toURI().toURL());
			}
		}
		return urls.toArray(new URL[0]);
	}

	/**
	 * Loads everything from the test class path itself, except Reactor, which it refuses
	 * and records.
	 */
	private static final class HidingClassLoader extends URLClassLoader {

		final Set<String> hidden = ConcurrentHashMap.newKeySet();

		HidingClassLoader(URL[] urls) {
			super(urls, ClassLoader.getPlatformClassLoader());
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.startsWith("reactor.")) {
				this.hidden.add(name);
				throw new ClassNotFoundException(name);
			}
			return super.loadClass(name, resolve);
		}

	}

}

package io.easyrpc.sample.browser;

import java.time.Duration;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.RpcExceptionHandler;
import io.easyrpc.annotation.RpcService;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.StringUtils;

/**
 * The {@link Greeter} served to the page. The countdown pauses before each item
 * ({@code sample.countdown.pause}, 500 ms by default) so that the page visibly shows them
 * arriving.
 */
@RpcService
public class GreeterService implements Greeter {

	/**
	 * The largest number a countdown may start from.
	 */
	public static final int MAX_COUNTDOWN = 100;

	private final Duration pause;

	/**
	 * Create the service.
	 * @param pause the pause before each countdown item
	 */
	public GreeterService(@Value("${sample.countdown.pause:500ms}") Duration pause) {
		this.pause = pause;
	}

	@Override
	public String hello(String name) {
		if (!StringUtils.hasText(name)) {
			throw new IllegalArgumentException("A name is required");
		}
		return "Hello, " + name;
	}

	@Override
	public Stream<String> countdown(int from) {
		if (from < 0 || from > MAX_COUNTDOWN) {
			throw new IllegalArgumentException("A countdown starts from 0 to " + MAX_COUNTDOWN + ", not from " + from);
		}
		Stream<String> numbers = IntStream.iterate(from, (i) -> i >= 1, (i) -> i - 1).mapToObj((i) -> "Countdown " + i);
		Stream<String> items = Stream.concat(numbers, Stream.of("Liftoff"));
		// The stream is pulled on a worker thread, one item per unit of credit, so
		// pausing here delays each item without holding up other calls.
		return items.map(this::afterPause);
	}

	/**
	 * Report a bad argument as {@code INVALID_ARGUMENT}, with the exception's message,
	 * rather than as an unexpected application error.
	 * @param ex the exception thrown for the argument
	 * @return {@link RpcStatus#INVALID_ARGUMENT}
	 */
	@RpcExceptionHandler
	public RpcStatus invalidArgument(IllegalArgumentException ex) {
		return RpcStatus.INVALID_ARGUMENT;
	}

	private String afterPause(String item) {
		try {
			Thread.sleep(this.pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Countdown interrupted", ex);
		}
		return item;
	}

}

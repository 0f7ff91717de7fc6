package io.easyrpc.sample.browser;

import java.util.stream.Stream;

/**
 * What the page calls: a unary method ({@code Greeter.hello}) and a server stream
 * ({@code Greeter.countdown}).
 */
public interface Greeter {

	/**
	 * Greet someone.
	 * @param name who to greet
	 * @return {@code "Hello, <name>"}
	 */
	String hello(String name);

	/**
	 * Count down to lift-off, one item at a time.
	 * @param from the first number, 0 to {@value GreeterService#MAX_COUNTDOWN}
	 * @return {@code "Countdown <from>"} down to {@code "Countdown 1"}, then
	 * {@code "Liftoff"}
	 */
	Stream<String> countdown(int from);

}

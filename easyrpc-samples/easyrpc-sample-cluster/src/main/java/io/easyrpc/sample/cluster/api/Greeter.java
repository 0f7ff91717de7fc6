package io.easyrpc.sample.cluster.api;

/**
 * Greets, and says which instance did.
 */
public interface Greeter {

	/**
	 * Greet someone.
	 * @param name who to greet
	 * @return the greeting and the instance that made it
	 */
	Greeting hello(String name);

}

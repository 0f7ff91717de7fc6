package io.easyrpc.sample.plain;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.RpcMethod;

/**
 * The interface server and client share.
 */
public interface Greeter {

	/**
	 * Greet someone.
	 * @param name the name
	 * @return the greeting
	 */
	String hello(String name);

	/**
	 * Count the letters of a text, without blocking the caller.
	 * @param text the text
	 * @return the number of letters
	 */
	CompletableFuture<Integer> letters(String text);

	/**
	 * Leave a note; the caller does not wait for the server. The server runs it on the
	 * connection's I/O thread, so notes are kept in the order they were sent and before
	 * any later call of the same client is served.
	 * @param text the note
	 */
	@RpcMethod(oneWay = true, nonBlocking = true)
	void note(String text);

	/**
	 * Return the notes left so far.
	 * @return the notes
	 */
	@RpcMethod(timeout = "2s")
	List<String> notes();

}

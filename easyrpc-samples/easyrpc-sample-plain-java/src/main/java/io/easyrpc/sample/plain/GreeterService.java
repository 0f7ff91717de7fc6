package io.easyrpc.sample.plain;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's implementation of {@link Greeter}.
 */
public class GreeterService implements Greeter {

	private final List<String> notes = new CopyOnWriteArrayList<>();

	@Override
	public String hello(String name) {
		return "Hello, " + name + "!";
	}

	@Override
	public CompletableFuture<Integer> letters(String text) {
		return CompletableFuture.completedFuture((int) text.chars().filter(Character::isLetter).count());
	}

	@Override
	public void note(String text) {
		this.notes.add(text);
	}

	@Override
	public List<String> notes() {
		return List.copyOf(this.notes);
	}

}

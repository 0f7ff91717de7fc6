package io.easyrpc.test.autoconfigure.app;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import reactor.core.publisher.Flux;

/**
 * The remote catalog.
 */
public interface Catalog {

	Optional<Book> find(String isbn);

	List<Book> search(Book example, int limit);

	String reserve(String isbn) throws BookMissingException;

	CompletableFuture<Integer> count();

	Flux<Book> all();

	Stream<String> titles(String prefix);

	void touch(String isbn);

}

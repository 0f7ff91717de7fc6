package io.easyrpc.test.autoconfigure.app;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.easyrpc.annotation.RpcService;
import reactor.core.publisher.Flux;

/**
 * A service of the application, which the slice leaves out.
 */
@RpcService
public class CatalogService implements Catalog {

	@Override
	public Optional<Book> find(String isbn) {
		return Optional.empty();
	}

	@Override
	public List<Book> search(Book example, int limit) {
		return List.of();
	}

	@Override
	public String reserve(String isbn) {
		return "local";
	}

	@Override
	public CompletableFuture<Integer> count() {
		return CompletableFuture.completedFuture(0);
	}

	@Override
	public Flux<Book> all() {
		return Flux.empty();
	}

	@Override
	public Stream<String> titles(String prefix) {
		return Stream.empty();
	}

	@Override
	public void touch(String isbn) {
	}

}

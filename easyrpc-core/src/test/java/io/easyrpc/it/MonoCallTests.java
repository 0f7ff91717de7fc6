package io.easyrpc.it;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code Mono} methods on the client: lazy, and served by methods that return
 * {@code Mono} or {@code CompletableFuture}.
 */
@ExtendWith(LeakDetectionExtension.class)
class MonoCallTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final Duration BLOCK = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final QuotesService service = new QuotesService();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	private ReactiveQuotes client(RpcChannel channel) {
		return this.rpc.client(new ClientDefinition(ReactiveQuotes.class, "Quotes", null, RpcFixture.TIMEOUT, null),
				channel);
	}

	@Test
	void monoCallIsLazy() {
		RpcServer server = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(server);
		ReactiveQuotes quotes = client(channel);
		Mono<String> quote = quotes.fromMono("ACME");
		assertThat(channel.state()).isEqualTo(RpcChannel.State.IDLE);
		assertThat(channel.pendingCalls()).isZero();
		assertThat(this.service.calls).hasValue(0);
		assertThat(quote.block(BLOCK)).isEqualTo("ACME: 42");
		assertThat(this.service.calls).hasValue(1);
		assertThat(quote.block(BLOCK)).isEqualTo("ACME: 42");
		assertThat(this.service.calls).hasValue(2);
	}

	@Test
	void monoClientWorksAgainstServerReturningMono() {
		RpcServer server = this.rpc.tcpServer(this.service);
		ReactiveQuotes quotes = client(this.rpc.channel(server));
		assertThat(quotes.fromMono("ACME").block(BLOCK)).isEqualTo("ACME: 42");
		assertThat(quotes.empty().blockOptional(BLOCK)).isEmpty();
	}

	@Test
	void monoClientWorksAgainstServerReturningCompletableFuture() {
		RpcServer server = this.rpc.tcpServer(this.service);
		ReactiveQuotes quotes = client(this.rpc.channel(server));
		assertThat(quotes.fromFuture("ACME").block(BLOCK)).isEqualTo(42);
	}

	@Test
	void monoCarriesFailures() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Quotes.fromMono threw an unexpected exception");
		RpcServer server = this.rpc.tcpServer(this.service);
		ReactiveQuotes quotes = client(this.rpc.channel(server));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> quotes.fromMono("").block(BLOCK))
			.withMessage("empty symbol");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> quotes.missing().block(BLOCK))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND));
	}

	public interface Quotes {

		Mono<String> fromMono(String symbol);

		CompletableFuture<Integer> fromFuture(String symbol);

		Mono<String> empty();

	}

	public interface ReactiveQuotes {

		Mono<String> fromMono(String symbol);

		Mono<Integer> fromFuture(String symbol);

		Mono<String> empty();

		Mono<String> missing();

	}

	static class QuotesService implements Quotes {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Mono<String> fromMono(String symbol) {
			this.calls.incrementAndGet();
			if (symbol.isEmpty()) {
				return Mono.error(new IllegalArgumentException("empty symbol"));
			}
			return Mono.fromSupplier(() -> symbol + ": 42");
		}

		@Override
		public CompletableFuture<Integer> fromFuture(String symbol) {
			return CompletableFuture.supplyAsync(() -> 42);
		}

		@Override
		public Mono<String> empty() {
			return Mono.empty();
		}

	}

}

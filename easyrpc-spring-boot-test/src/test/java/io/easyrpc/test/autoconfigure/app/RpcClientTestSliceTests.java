package io.easyrpc.test.autoconfigure.app;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.server.RpcServer;
import io.easyrpc.test.autoconfigure.ExpectedCount;
import io.easyrpc.test.autoconfigure.MockRpcServer;
import io.easyrpc.test.autoconfigure.RpcClientTest;
import io.easyrpc.test.autoconfigure.external.RatingsClient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link RpcClientTest @RpcClientTest} naming two clients, one outside the application's
 * packages.
 */
@RpcClientTest({ CatalogClient.class, RatingsClient.class })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RpcClientTestSliceTests {

	private static final Book BOOK = new Book("978-1", "Dune", 412);

	@Autowired
	private ApplicationContext context;

	@Autowired
	private CatalogClient catalog;

	@Autowired
	private RatingsClient ratings;

	@Autowired
	private MockRpcServer server;

	@Test
	void onlyTheNamedClientsAreBeansAndNoServerRuns() {
		assertThat(this.context.getBeanNamesForType(CatalogClient.class)).containsExactly("catalogClient");
		assertThat(this.context.getBeanNamesForType(RatingsClient.class)).containsExactly("ratingsClient");
		assertThat(this.context.getBeanNamesForType(OrderClient.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(CatalogService.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(Shelf.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(RpcServer.class)).isEmpty();
	}

	@Test
	void answersAnExpectedCallAndVerifies() {
		this.server.expect("Catalog.find").withArguments("978-1").andRespond(BOOK);
		assertThat(this.catalog.find("978-1")).contains(BOOK);
		assertThatNoException().isThrownBy(this.server::verify);
	}

	@Test
	void comparesDecodedRecordArguments() {
		this.server.expect("Catalog.search")
			.withArguments(new Book("", "Dune", 0), 5)
			.andRespond(List.of(BOOK, new Book("978-2", "Dune Messiah", 256)));
		assertThat(this.catalog.search(new Book("", "Dune", 0), 5)).hasSize(2).first().isEqualTo(BOOK);
		this.server.verify();
	}

	@Test
	void clientOfAnotherPackageWithAGroupCallsTheMock() {
		this.server.expect("reviews/RatingsClient.rating").withArguments("978-1").andRespond(4.5);
		assertThat(this.ratings.rating("978-1")).isEqualTo(4.5);
		this.server.verify();
	}

	@Test
	void unexpectedCallIsAnsweredNotFoundAndReported() {
		this.server.expect("Catalog.find").withArguments("978-1").andRespond(BOOK);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.catalog.find("978-9"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND))
			.withMessageContaining("Catalog.find(978-9)")
			.withMessageContaining("declared: Catalog.find(978-1) once");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(this.server::verify)
			.withMessageContaining("unmet expectation: Catalog.find(978-1) once, called 0 times")
			.withMessageContaining("unexpected call: Catalog.find(978-9)");
	}

	@Test
	void callsBeyondTheExpectedCountAreUnexpected() {
		this.server.expect(ExpectedCount.times(2), "Catalog.count").andRespond(7);
		assertThat(this.catalog.count()).succeedsWithin(java.time.Duration.ofSeconds(10)).isEqualTo(7);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(this.server::verify)
			.withMessageContaining("unmet expectation: Catalog.count 2 times, called 1 times");
		assertThat(this.catalog.count()).succeedsWithin(java.time.Duration.ofSeconds(10)).isEqualTo(7);
		this.server.verify();
		assertThat(this.catalog.count()).failsWithin(java.time.Duration.ofSeconds(10))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(RpcException.class)
			.withMessageContaining("Catalog.count()");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(this.server::verify)
			.withMessageContaining("unexpected call: Catalog.count()");
	}

	@Test
	void respondsWithAStatus() {
		this.server.expect("Catalog.find").andRespondWithStatus(RpcStatus.PERMISSION_DENIED, "not yours");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.catalog.find("978-1"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.satisfies((ex) -> assertThat(ex.getDescription()).isEqualTo("not yours"));
		this.server.verify();
	}

	@Test
	void respondsWithADeclaredException() {
		this.server.expect("Catalog.reserve").andRespondWithError(new BookMissingException("no 978-1"));
		assertThatExceptionOfType(BookMissingException.class).isThrownBy(() -> this.catalog.reserve("978-1"))
			.withMessage("no 978-1");
	}

	@Test
	void respondsWithAnUndeclaredExceptionWithoutLogging() {
		this.server.expect("Catalog.find").andRespondWithError(new IllegalStateException("broken"));
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.catalog.find("978-1"))
			.withMessageContaining("broken");
	}

	@Test
	void respondsWithAFlux() {
		Book other = new Book("978-2", "Dune Messiah", 256);
		this.server.expect("Catalog.all").andRespondWithStream(BOOK, other);
		assertThat(this.catalog.all().collectList().block(java.time.Duration.ofSeconds(10))).containsExactly(BOOK,
				other);
		this.server.verify();
	}

	@Test
	void respondsWithAStream() {
		this.server.expect("Catalog.titles").withArguments("Du").andRespondWithStream("Dune", "Dune Messiah");
		try (Stream<String> titles = this.catalog.titles("Du")) {
			assertThat(titles).containsExactly("Dune", "Dune Messiah");
		}
		this.server.verify();
	}

	@Test
	void answersFromTheArgumentsAndVoidMethods() {
		this.server.expect(ExpectedCount.atLeast(1), "Catalog.find")
			.andAnswer((arguments) -> Optional.of(new Book((String) arguments[0], "any", 1)));
		this.server.expect("Catalog.touch").withArgumentsMatching((arguments) -> "978-5".equals(arguments[0]));
		this.server.expect(ExpectedCount.never(), "Catalog.reserve").andRespond("never");
		assertThat(this.catalog.find("978-3")).map(Book::isbn).contains("978-3");
		assertThat(this.catalog.find("978-4")).map(Book::isbn).contains("978-4");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.catalog.touch("978-5"))
			.withMessageContaining("has no response");
	}

	@Test
	@Order(1)
	void leavesAnExpectationUnmet() {
		this.server.expect("Catalog.find").andRespond(BOOK);
	}

	@Test
	@Order(2)
	void startsWithNoExpectationsAfterAnotherTest() {
		this.server.verify();
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.catalog.find("978-1"))
			.withMessageContaining("declared: none");
		this.server.reset();
	}

}

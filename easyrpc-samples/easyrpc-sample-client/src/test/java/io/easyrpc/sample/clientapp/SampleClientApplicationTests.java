package io.easyrpc.sample.clientapp;

import io.easyrpc.sample.serverapp.SampleServerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two applications over real TCP: the sample server in its own context, the sample client
 * as the application under test, called over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleClientApplicationTests {

	static ConfigurableApplicationContext server;

	@LocalServerPort
	int httpPort;

	@BeforeAll
	static void startServer() {
		// As it was built: in AOT mode the server starts from the code generated for its
		// main class, a servlet application (its actuator), on free ports here.
		server = new SpringApplicationBuilder(SampleServerApplication.class).main(SampleServerApplication.class)
			.run("--easyrpc.server.port=0", "--server.port=0");
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@DynamicPropertySource
	static void serverAddress(DynamicPropertyRegistry registry) {
		// Ahead-of-time processing of this test's context reads the property at build
		// time,
		// when no server runs: any address will do then.
		registry.add("easyrpc.client.targets.inventory.address", () -> "tcp://127.0.0.1:"
				+ ((server != null) ? server.getEnvironment().getProperty("local.easyrpc.port") : "7070"));
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.httpPort);
	}

	@Test
	void itemIsFetchedFromTheServer() {
		String body = http().get().uri("/items/BK-1").retrieve().body(String.class);
		assertThat(body).contains("\"sku\":\"BK-1\"").contains("\"category\":\"BOOKS\"");
	}

	@Test
	void unknownItemIsNotFound() {
		ResponseEntity<String> response = http().get()
			.uri("/items/NOPE")
			.retrieve()
			.onStatus((status) -> true, (request, reply) -> {
			})
			.toEntity(String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void outOfStockBecomesConflict() {
		ResponseEntity<String> response = http().post()
			.uri("/reservations")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"sku\":\"TY-1\",\"quantity\":1,\"customer\":\"ada\"}")
			.retrieve()
			.onStatus((status) -> true, (request, reply) -> {
			})
			.toEntity(String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(response.getBody()).contains("Only 0 of TY-1 in stock");
	}

	@Test
	void stockIsCountedAsynchronously() {
		String body = http().get().uri("/stock").retrieve().body(String.class);
		assertThat(body).contains("\"TOOLS\":5");
	}

}

package io.easyrpc.autoconfigure.aot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.client.RpcClientControl;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.io.InputStreamSource;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for ahead-of-time processing of easyrpc applications: the bean definitions of
 * clients and generic clients can be written out as code, and the runtime hints that a
 * native image needs are registered for client interfaces, service beans and the engine.
 */
class RpcAotTests {

	@Test
	void clientInterfaceGetsItsProxyMethodsMappedTypesAndExceptionConstructors() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		RpcBeansAotProcessor.registerClient(hints, InventoryClient.class);
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(InventoryClient.class, RpcClientControl.class))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InventoryClient.class, "find"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InventoryClient.class, "list"))
			.accepts(hints);
		// records and their components, also inside Flux, CompletableFuture and List
		assertThat(RuntimeHintsPredicates.reflection().onType(Item.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Item.class, "sku")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Tag.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Receipt.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Reservation.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Category.class)).accepts(hints);
		// a declared exception is re-created on the client from its message
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(OutOfStockException.class.getConstructor(String.class))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Unrelated.class)).rejects(hints);
	}

	@Test
	void serviceBeanGetsTheMethodsTheServerInvokesAndTheirTypes() {
		RuntimeHints hints = new RuntimeHints();
		RpcBeansAotProcessor.registerService(hints, InventoryService.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InventoryService.class, "find"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InventoryService.class, "reserve"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Reservation.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Item.class, "inStock")).accepts(hints);
	}

	@Test
	void standardExceptionsThatClientsRecreateHaveTheirConstructors() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new EasyRpcRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(IllegalStateException.class.getConstructor(String.class))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(java.util.NoSuchElementException.class.getConstructor(String.class)))
			.accepts(hints);
	}

	@Test
	void applicationWithClientsAndServicesIsProcessedAheadOfTime() throws IOException {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("easyrpc.client.targets.inventory.address", "tcp://127.0.0.1:7070")
			.withProperty("easyrpc.server.port", "0");
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.setEnvironment(environment);
			context.register(Application.class);
			InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(Application.class)), files);
			// fails when a bean definition cannot be written out as code
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			generation.writeGeneratedContent();

			String sources = sources(files);
			assertThat(sources).contains("RpcClientsRegistrar.createClient(")
				.contains("GenericRpcClients.client(")
				.contains("inventoryGenericRpcClient");
			RuntimeHints hints = generation.getRuntimeHints();
			// aot.factories brings both the bean processor and the engine's hints
			assertThat(RuntimeHintsPredicates.proxies().forInterfaces(InventoryClient.class, RpcClientControl.class))
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InventoryService.class, "find"))
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(IllegalArgumentException.class.getConstructor(String.class))).accepts(hints);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String sources(InMemoryGeneratedFiles files) throws IOException {
		StringBuilder all = new StringBuilder();
		for (Map.Entry<String, InputStreamSource> file : files.getGeneratedFiles(Kind.SOURCE).entrySet()) {
			try (InputStream content = file.getValue().getInputStream()) {
				all.append(new String(content.readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
			EasyRpcClientAutoConfiguration.class, EasyRpcServerAutoConfiguration.class })
	@EnableRpcClients(clients = InventoryClient.class)
	static class Application {

		@Bean
		InventoryService inventoryService() {
			return new InventoryService();
		}

	}

	@RpcClient(target = "inventory", service = "Inventory")
	public interface InventoryClient {

		Item find(String sku) throws OutOfStockException;

		Flux<Item> list(Category category);

		CompletableFuture<Receipt> reserve(Reservation reservation);

	}

	@RpcService(name = "Inventory")
	public static class InventoryService {

		public Item find(String sku) {
			return new Item(sku, 1, List.of(new Tag("new")));
		}

		public Flux<Item> list(Category category) {
			return Flux.empty();
		}

		public Receipt reserve(Reservation reservation) {
			return new Receipt(reservation.sku());
		}

	}

	public record Item(String sku, int inStock, List<Tag> tags) {
	}

	public record Tag(String name) {
	}

	public record Reservation(String sku, int quantity) {
	}

	public record Receipt(String id) {
	}

	public enum Category {

		BOOKS, TOOLS

	}

	public record Unrelated(String value) {
	}

	public static class OutOfStockException extends Exception {

		private static final long serialVersionUID = 1L;

		public OutOfStockException(String message) {
			super(message);
		}

	}

}

package io.easyrpc.sample.browser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads the sample's page in headless Chromium: the page calls the {@link Greeter} over
 * WebSocket, and the test checks both the DOM and, with OCR, a screenshot of what a
 * person would see.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "easyrpc.server.port=0", "sample.countdown.pause=150ms",
				// Selenium has no DevTools support for this Chromium; the test needs
				// none.
				"logging.level.org.openqa.selenium.devtools.CdpVersionFinder=error",
				"logging.level.org.openqa.selenium.chromium.ChromiumDriver=error" })
class BrowserSampleApplicationTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path TESSERACT = Path.of("/usr/bin/tesseract");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Path SCREENSHOT = Path.of("target", "browser-sample", "page.png");

	private static final List<String> COUNTDOWN = List.of("Countdown 5", "Countdown 4", "Countdown 3", "Countdown 2",
			"Countdown 1", "Liftoff");

	@LocalServerPort
	int port;

	ChromeDriverService driverService;

	ChromeDriver browser;

	HttpServer otherOrigin;

	@BeforeAll
	static void requireBrowserAndOcr() {
		List<String> missing = new ArrayList<>();
		for (Path tool : List.of(CHROMIUM, CHROMEDRIVER, TESSERACT)) {
			if (!Files.isExecutable(tool)) {
				missing.add(tool.toString());
			}
		}
		if (!missing.isEmpty()) {
			String message = "The browser test needs " + String.join(", ", missing)
					+ ": install the Debian packages with 'apt-get install -y chromium chromium-driver tesseract-ocr'";
			if ("true".equals(System.getenv("CI"))) {
				Assertions.fail(message);
			}
			Assumptions.abort(message);
		}
	}

	@BeforeEach
	void startBrowser(@TempDir Path profile) throws IOException {
		// Explicit driver and browser: Selenium never looks for (or downloads) others.
		this.driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1200,1000");
		this.browser = new ChromeDriver(this.driverService, options);
		this.browser.manage().timeouts().scriptTimeout(WAIT);
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.driverService != null) {
			this.driverService.stop();
		}
		if (this.otherOrigin != null) {
			this.otherOrigin.stop(0);
		}
	}

	@Test
	void pageShowsTheGreetingAndTheCountdownItems() throws Exception {
		this.browser.get(pageUrl());
		new WebDriverWait(this.browser, WAIT).until((driver) -> "done".equals(status().getDomAttribute("data-state"))
				|| !driver.findElements(By.cssSelector(".error")).isEmpty());
		assertThat(this.browser.findElements(By.cssSelector(".error"))).extracting(WebElement::getText).isEmpty();
		assertThat(this.browser.findElement(By.id("greeting")).getText()).isEqualTo("Hello, browser");
		assertThat(this.browser.findElements(By.cssSelector("#countdown li"))).extracting(WebElement::getText)
			.containsExactlyElementsOf(COUNTDOWN);
		assertThat(status().getText()).isEqualTo("Stream completed");

		Files.createDirectories(SCREENSHOT.getParent());
		Files.write(SCREENSHOT, this.browser.getScreenshotAs(OutputType.BYTES));
		String seen = recognizeText(SCREENSHOT);
		assertThat(seen).contains("Hello, browser");
		assertThat(seen).contains(COUNTDOWN);
	}

	@Test
	void clientReportsErrorsCancelsStreamsAndKeepsTheConnection() {
		this.browser.get(pageUrl());
		Object result = this.browser.executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				(async () => {
					const { connect } = await import('/easyrpc/easyrpc.js');
					const client = await connect('/easyrpc');
					const failure = async (promise) => {
						try {
							await promise;
							return 'no error';
						}
						catch (error) {
							return [error.status, error.detail, error.errorClass ?? ''].join(' | ');
						}
					};
					const unknownMethod = await failure(client.call('Greeter.bye'));
					const badArgument = await failure(client.call('Greeter.hello', ''));
					const badStream = await failure((async () => {
						for await (const item of client.stream('Greeter.countdown', -1)) {
						}
					})());
					const firstTwo = [];
					for await (const item of client.stream('Greeter.countdown', 3)) {
						firstTwo.push(item);
						if (firstTwo.length === 2) {
							break;
						}
					}
					const afterCancel = await client.call('Greeter.hello', 'again');
					client.close();
					const closed = (await client.closed).status;
					return { unknownMethod, badArgument, badStream, firstTwo, afterCancel, closed };
				})().then(done, (error) => done({ unexpected: String(error) }));
				""");
		assertThat(result).isInstanceOf(Map.class);
		Map<?, ?> outcome = (Map<?, ?>) result;
		assertThat(outcome.get("unexpected")).isNull();
		assertThat((String) outcome.get("unknownMethod")).startsWith("NOT_FOUND | ").contains("Greeter.bye");
		assertThat(outcome.get("badArgument"))
			.isEqualTo("INVALID_ARGUMENT | A name is required | java.lang.IllegalArgumentException");
		assertThat((String) outcome.get("badStream")).startsWith("INVALID_ARGUMENT | ").contains("not from -1");
		assertThat(outcome.get("firstTwo")).isEqualTo(List.of("Countdown 3", "Countdown 2"));
		assertThat(outcome.get("afterCancel")).isEqualTo("Hello, again");
		assertThat(outcome.get("closed")).isEqualTo("CANCELLED");
	}

	@Test
	void pageOfAnotherOriginIsRefused() throws IOException {
		this.otherOrigin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		byte[] page = "<!DOCTYPE html><title>another origin</title>".getBytes(StandardCharsets.UTF_8);
		this.otherOrigin.createContext("/", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
			exchange.sendResponseHeaders(200, page.length);
			exchange.getResponseBody().write(page);
			exchange.close();
		});
		this.otherOrigin.start();
		String endpoint = "ws://localhost:" + this.port + "/easyrpc";
		this.browser.get("http://127.0.0.1:" + this.otherOrigin.getAddress().getPort() + "/");
		assertThat(openWebSocket(endpoint)).isEqualTo("refused");
		// The same script from the sample's own page is let in: the refusal is about the
		// origin.
		this.browser.get(pageUrl());
		assertThat(openWebSocket(endpoint)).isEqualTo("opened");
	}

	private Object openWebSocket(String url) {
		return ((JavascriptExecutor) this.browser).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const socket = new WebSocket(arguments[0]);
				socket.onopen = () => {
					socket.onclose = null;
					socket.close();
					done('opened');
				};
				socket.onclose = () => done('refused');
				""", url);
	}

	private WebElement status() {
		return this.browser.findElement(By.id("status"));
	}

	private String pageUrl() {
		return "http://localhost:" + this.port + "/";
	}

	private static String recognizeText(Path image) throws IOException, InterruptedException {
		Process ocr = new ProcessBuilder(TESSERACT.toString(), image.toString(), "stdout")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		try (InputStream output = ocr.getInputStream()) {
			output.transferTo(text);
		}
		assertThat(ocr.waitFor(60, TimeUnit.SECONDS)).as("tesseract finished").isTrue();
		assertThat(ocr.exitValue()).as("tesseract exit code").isZero();
		return text.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
	}

}

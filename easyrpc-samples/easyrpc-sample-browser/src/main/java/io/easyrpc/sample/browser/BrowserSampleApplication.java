package io.easyrpc.sample.browser;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the browser sample: the page at {@code http://localhost:8080/} calls the
 * {@link GreeterService} over the WebSocket endpoint {@code /easyrpc} of the same server.
 */
@SpringBootApplication
public class BrowserSampleApplication {

	/**
	 * Run the sample.
	 * @param args command line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(BrowserSampleApplication.class, args);
	}

}

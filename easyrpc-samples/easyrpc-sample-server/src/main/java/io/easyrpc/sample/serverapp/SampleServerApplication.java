package io.easyrpc.sample.serverapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the sample server: the {@link InventoryService} is served on port 7070.
 */
@SpringBootApplication
public class SampleServerApplication {

	/**
	 * Run the server.
	 * @param args command line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleServerApplication.class, args);
	}

}

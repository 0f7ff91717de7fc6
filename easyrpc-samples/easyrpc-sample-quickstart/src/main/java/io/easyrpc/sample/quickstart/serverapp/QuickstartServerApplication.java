package io.easyrpc.sample.quickstart.serverapp;

import io.easyrpc.sample.serverapp.InventoryService;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The server side of the quickstart: serves the sample {@link InventoryService}.
 */
@SpringBootApplication
@Import(InventoryService.class)
public class QuickstartServerApplication {

}

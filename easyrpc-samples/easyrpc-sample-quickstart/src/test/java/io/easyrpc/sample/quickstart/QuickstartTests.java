package io.easyrpc.sample.quickstart;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuickstartTests {

	@Test
	void quickstartMakesRealCallsAndPrintsTheirResults() throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		String output = bytes.toString(StandardCharsets.UTF_8);
		assertThat(output).contains("find(\"BK-1\")          -> Optional[Item[sku=BK-1")
			.contains("find(\"XX-9\")          -> Optional.empty")
			.contains("list(TOOLS)           -> [Item[sku=TL-1")
			.contains("reserve(BK-2 x 2)     -> Reservation[")
			.contains("remaining=1")
			.contains("threw OutOfStockException: Only 1 of BK-2 in stock, 5 requested")
			.contains("stockByCategory()     -> {BOOKS=");
	}

}

package dev.bulwark;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Bulwark: the secure core of a multi-tenant SaaS. One modular monolith; see ARCHITECTURE.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BulwarkApplication {

    public static void main(String[] args) {
        SpringApplication.run(BulwarkApplication.class, args);
    }
}

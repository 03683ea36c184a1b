/** Small vocabulary every module may use: identifiers and the exceptions the edge turns into problems. */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.bulwark.shared;

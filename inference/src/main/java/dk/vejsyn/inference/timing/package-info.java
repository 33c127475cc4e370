/** The fixed pipeline stages and their accumulated times. */
package dk.vejsyn.inference.timing;

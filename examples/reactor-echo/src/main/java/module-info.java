/** A TCP echo server on the Kyoto reactor. */
module io.kyoto.examples.reactorecho {
  requires transitive io.kyoto.reactor;

  exports io.kyoto.examples.reactorecho;
}

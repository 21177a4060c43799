/**
 * The `yaml` package's node predicates, read once. The bundle reads the exports of a CommonJS
 * module (as `yaml` is for Node) through getters, one call each time: too slow for functions called
 * for every node of every document.
 */
import * as yaml from 'yaml';

export const { isAlias, isMap, isPair, isScalar, isSeq } = yaml;
